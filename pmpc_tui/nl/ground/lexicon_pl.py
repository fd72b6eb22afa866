"""Polish requests in the English the parser reads: power, delete, list, move, clone, snapshot and backup verbs,
negation, times and conditions, and a guest's name in its Polish case ("zrestartuj grafanę" → "reboot grafana").

Only a request with a Polish verb is read so (no English word is spelt like them); the small words ("nie", "na",
"do") and a name's case endings only in such a request, and only on a known guest's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pmpc_tui.services.names import Names

# (pattern, English): longer phrases first
PL_VERBS: list[tuple[str, str]] = [
    (r"(?:zrób|zrob|utwórz|utworz)\s+(?:kopię|kopie)\s+zapasową(?:\s+z)?|(?:zrób|zrob)\s+backup(?:\s+z)?", "back up"),
    (r"(?:zrób|zrob|utwórz|utworz)\s+(?:snapshot|migawkę|migawke)(?:\s+z)?", "snapshot"),
    (r"uruchom\s+ponownie|z?restartuj|zrebootuj", "reboot"),
    (r"wyłącz|wylacz|zamknij", "shut down"),
    (r"zatrzymaj", "stop"),
    (r"włącz|wlacz|uruchom|odpal|wystartuj", "start"),
    (r"wstrzymaj|zawieś|zawies", "suspend"),
    (r"wznów|wznow", "resume"),
    (r"usuń|usun|skasuj|wykasuj", "delete"),
    (r"s?klonuj", "clone"),
    (r"przenieś|przenies|z?migruj", "move"),
    (r"pokaż|pokaz|wyświetl|wyswietl|wylistuj|wypisz", "show"),
]
PL_WORDS: list[tuple[str, str]] = [
    (r"ale\s+nie", "but not"), (r"nie", "don't"), (r"proszę|prosze", "please"),
    (r"z\s+wyjątkiem|z\s+wyjatkiem|oprócz|oprocz|poza", "except"),
    (r"maszyn[ęey](?:\s+wirtualn[ąae])?|maszyny\s+wirtualne", "vm"), (r"kontener(?:y|ów|ow)?", "containers"),
    (r"wszystkie|wszystkich", "all"), (r"teraz|natychmiast", "now"), (r"jutro", "tomorrow"),
    (r"dziś\s+wieczorem|dzis\s+wieczorem|wieczorem", "tonight"), (r"jeśli|jesli|jeżeli|jezeli|gdy", "if"),
    (r"działające|dzialajace|uruchomione", "running"), (r"zatrzymane|wyłączone|wylaczone", "stopped"),
    (r"na", "on"), (r"do", "to"),
]
# a name's case endings (accusative "grafanę", genitive "prometheusa", instrumental "minio-em")
CASE_ENDINGS = "ę|e|a|u|em|ie|y|owi|-em|-a|-u|-ie"


def _guest_in_case(text: str, names: Names) -> str:
    """A known guest's name in its Polish case as the name ("grafanę" → "grafana", "prometheusa" → "prometheus")."""
    known = {n.lower() for n in names.guests}
    for name in sorted(names.guests, key=len, reverse=True):
        low = re.escape(name.lower())
        stem = re.escape(name.lower()[:-1]) if name.lower().endswith("a") else low
        pattern = re.compile(rf"(?<![\w-])(?:{stem}(?:{CASE_ENDINGS})|{low}(?:{CASE_ENDINGS}))(?![\w-])", re.IGNORECASE)
        text = pattern.sub(_named(name, known), text)
    return text


def _named(name: str, known: set[str]) -> Callable[[re.Match[str]], str]:
    """The replacement of a case form by the guest's name (a word that is another guest's name stays)."""
    return lambda m: m.group(0) if m.group(0).lower() in known else name


def in_english(text: str, names: Names) -> str:
    """A Polish request in English words; any other request as it is."""
    found = False
    for pattern, word in PL_VERBS:
        text, n = re.subn(rf"(?<![\w-])(?:{pattern})(?![\w-])", word, text, flags=re.IGNORECASE)
        found = found or n > 0
    if not found:
        return text
    for pattern, word in PL_WORDS:
        text = re.sub(rf"(?<![\w-])(?:{pattern})(?![\w-])", word, text, flags=re.IGNORECASE)
    return _guest_in_case(text, names)
