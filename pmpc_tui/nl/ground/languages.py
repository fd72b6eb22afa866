"""Languages the reader does not know: a request in one may be answered with a read, never with a change — its
negations, times and conditions are words the guards cannot see ("starta inte om db-01" is "don't restart")."""

from __future__ import annotations

import re

READ_LANGUAGES = "English, German, Spanish, French, Italian, Dutch or Polish"
# letters none of those languages writes: Portuguese ã õ, Nordic å æ ø ð þ, Czech/Slovak ě ř ů ň ť ď ľ ĺ ŕ š č ž ý,
# Hungarian ő ű, Romanian/Turkish ă ș ț ş ğ, the dotless i — and any script that is not Latin
FOREIGN_LETTERS = re.compile(r"[ãõåæøðþěřůňťďľĺŕšžčýőűășțş\u0131ğ]|[^\W\d_a-zß-ÿ\u0100-\u024f]")
# frequent words of such languages written without those letters (a negation first)
FOREIGN_WORDS = re.compile(r"(?<![\w-])(?:nao|já|voc[eê]|reiniciei|desliguei|liguei|apaguei|parei|migrei|criei|"
                           r"inte|ikke|ikkje|icke|voce|obrigad[oa]|prosim|lutfen|kerlek|"
                           r"vennligst|venligst|snalla|sluk|stang|stäng|starta|slet|tack|tak ikke)(?![\w-])",
                           re.IGNORECASE)
WHY_LANGUAGE = (f"I read changes only in {READ_LANGUAGES}: in other languages I cannot tell an order from its "
                "negation, so I change nothing — say it in one of those, or type the command")


def unread_language(text: str) -> bool:
    """True when the request is written in a language whose negations and times the reader does not know."""
    lower = text.lower()
    return bool(FOREIGN_LETTERS.search(lower) or FOREIGN_WORDS.search(lower))
