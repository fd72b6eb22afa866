"""Italian and Dutch requests in the English the model reads: power, snapshot, backup, move, delete and list
verbs, negation, times and conditions ("Riavvia web-01, per favore" → "reboot web-01, please"; "zet web-01 uit"
→ "shut down web-01"; "non spegnere db-01" → "don't shut down db-01"; "vanavond" → "tonight").

Verbs are replaced wherever they stand (no English word is spelt like them); the small words ("op", "se",
"alle", "non", "su") only in a request that already has an Italian or Dutch verb or phrase.
"""

from __future__ import annotations

import re

# (pattern, English) — the order matters: longer phrases first
IT_VERBS: list[tuple[str, str]] = [
    (r"(?:fai|fare|crea|creare|prendi|scatta)\s+(?:uno\s+|lo\s+|un\s+)?snapshot(?:\s+(?:di|del|della|dello))?",
     "snapshot"),
    (r"(?:fai|fare|esegui|eseguire|lancia|avvia)\s+(?:un\s+|il\s+)?(?:backup|salvataggio)(?:\s+(?:di|del|della|"
     r"dello))?",
     "back up"),
    (r"ripristina(?:re)?\s+(?:lo\s+)?snapshot", "roll back to snapshot"),
    (r"riavvia(?:re|lo|la)?|riavvii", "reboot"),
    (r"spegn(?:i|ilo|ila|ere|erlo|erla)|arresta(?:re|lo|la)?", "shut down"),
    (r"ferma(?:re|lo|la)?|blocca(?:re)?", "stop"),
    (r"accendi(?:lo|la)?|accendere|avvia(?:re|lo|la)?|fai\s+partire", "start"),
    (r"sospendi(?:lo|la)?|sospendere|metti\s+in\s+pausa", "suspend"),
    (r"riprendi|riattiva", "resume"),
    (r"elimina(?:re|lo|la)?|cancella(?:re|lo|la)?|rimuovi|rimuovere", "delete"),
    (r"clona(?:re|lo|la)?", "clone"),
    (r"migra(?:re|lo|la)?|sposta(?:re|lo|la)?", "move"),
    (r"elenca(?:re)?|mostra(?:mi)?|fammi\s+vedere", "show"),
    (r"dai|dammi|assegna", "give"),
]
NL_VERBS: list[tuple[str, str]] = [
    # "laat prometheus met rust" (leave it alone), "laat pihole draaien" (keep it running): never an order (nl17m)
    (r"laat\s+(?P<g>.+?)\s+met\s+rust", "leave {g} alone"),
    (r"laat\s+(?P<g>.+?)\s+(?:draaien|aan\s*staan|lopen)", "leave {g} running"),
    # a state asked about: "welke containers staan uit?" (nl17m)
    (r"sta(?:at|an)\s+uit|(?:is|zijn)\s+uitgeschakeld", "are stopped"),
    (r"sta(?:at|an)\s+aan|draai(?:t|en)", "are running"),
    (r"maak\s+(?:een\s+)?snapshot\s+van", "snapshot"),
    (r"maak\s+(?:een\s+)?back-?up\s+van", "back up"),
    (r"herstart(?:en)?|start\s+(?P<g>\S+)\s+opnieuw(?:\s+op)?", "reboot"),
    (r"(?:zet|schakel)\s+(?P<g>.+?)\s+uit|sluit\s+(?P<g2>.+?)\s+af", "shut down"),
    (r"(?:zet|schakel)\s+(?P<g>.+?)\s+(?:aan|in)|start\s+(?P<g2>\S+)\s+op", "start"),
    (r"stoppen|stop\s+(?P<g>\S+)\s+(?=alsjeblieft|graag|nu\b)", "stop"),
    (r"verwijder(?:en)?|gooi\s+(?P<g>.+?)\s+weg", "delete"),
    (r"kloon|klonen", "clone"),
    (r"verplaats(?:en)?|migreer|migreren", "move"),
    (r"toon|laat\s+(?P<g>.+?)\s+zien", "show"),
    (r"geef", "give"),
]
IT_WORDS = [(r"(?<=move\s)(\S+)\s+su", r"\1 to"), (r"per\s+favore|per\s+piacere|cortesemente", "please"),
            (r"non", "don't"), (r"stasera|stanotte", "tonight"),
            (r"domani", "tomorrow"), (r"(?:tra|fra)\s+(\d+)\s+minuti", r"in \1 minutes"),
            (r"(?:tra|fra)\s+(\d+)\s+ore", r"in \1 hours"), (r"se", "if"), (r"quando", "when"),
            (r"adesso|subito|ora", "now"), (r"la\s+macchina|la\s+vm", "the vm"),
            (r"il\s+container|il\s+contenitore", "the container"), (r"tutte\s+le\s+vm", "all vms"),
            (r"tutti\s+i\s+container", "all containers"), (r"su", "on"), (r"chiamat[oa]|di\s+nome", "called"),
            (r"con", "with"),
            (r"tranne|eccetto|salvo|ad\s+eccezione\s+di", "except"), (r"memoria", "memory"),
            (r"(?<=\s)a(?=\s+pve)", "to"), (r"verso", "to")]
NL_WORDS = [(r"alsjeblieft|alstublieft|graag|a\.?u\.?b\.?", "please"), (r"niet", "not"), (r"maar", "but"),
            (r"behalve|uitgezonderd", "except"), (r"welke", "which"),
            (r"vanavond|vannacht", "tonight"),
            (r"over\s+(\d+)\s+minuten", r"in \1 minutes"), (r"over\s+(\d+)\s+uur", r"in \1 hours"), (r"als", "if"),
            (r"wanneer", "when"), (r"nu", "now"), (r"alle", "all"), (r"op", "on"), (r"naar", "to"),
            (r"genaamd|met\s+de\s+naam", "called"), (r"met", "with"), (r"geheugen", "memory"), (r"schijf", "disk"),
            (r"kernen", "cores"), (r"de\s+vm", "the vm"), (r"van", "of"), (r"het", "it"),
            # a log's window and level, after the times above ("over 2 uur" is still "in 2 hours")
            (r"foutmeldingen|fouten", "errors"), (r"laatste", "last"), (r"(\d+)\s+uur", r"\1 hours"),
            (r"(\d+)\s+minuten", r"\1 minutes")]


def _verbs(text: str, table: list[tuple[str, str]]) -> tuple[str, bool]:
    found = False

    def english(word: str):  # type: ignore[no-untyped-def]
        def sub(m: re.Match[str]) -> str:
            guest = next((g for g in m.groups() if g), None)
            if "{g}" in word:
                return word.replace("{g}", guest or "it")
            return f"{word} {guest}" if guest else word
        return sub

    for pattern, word in table:
        text, n = re.subn(rf"(?<![\w-])(?:{pattern})(?![\w-])", english(word), text, flags=re.IGNORECASE)
        found = found or n > 0
    return text, found


def _words(text: str, table: list[tuple[str, str]]) -> str:
    for pattern, word in table:
        text = re.sub(rf"(?<![\w-])(?:{pattern})(?![\w-])", word, text, flags=re.IGNORECASE)
    return text


def in_english(text: str) -> str:
    """An Italian or Dutch request in English words; any other request as it is."""
    italian, found_it = _verbs(text, IT_VERBS)
    if found_it or re.search(r"\bper\s+favore\b", text, re.IGNORECASE):
        return _words(italian, IT_WORDS)
    dutch, found_nl = _verbs(text, NL_VERBS)
    if found_nl:
        return _words(dutch, NL_WORDS)
    return text
