"""Numbers said in words, as digits, where a unit or a countable follows ("sixteen gigs" → "16 gigs").

English, German, Spanish, French, Italian and Dutch number words up to the hundreds; only a number right before a
unit (cores, gigs, GB, hours, tasks, VMs …, in any of those languages) is rewritten, so "the database one" or
"tres" in a name stay as they are.
"""

from __future__ import annotations

import re

ONES = {
    # English
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
    # German
    "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "funf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
    "zwölf": 12, "zwolf": 12, "sechzehn": 16, "zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50,
    "sechzig": 60, "achtzig": 80, "hundert": 100,
    # Spanish
    "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10,
    "doce": 12, "dieciséis": 16, "dieciseis": 16, "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50,
    "sesenta": 60, "ochenta": 80, "cien": 100,
    # French
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "douze": 12,
    "seize": 16, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100,
    # Italian
    "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8, "nove": 9, "dieci": 10,
    "dodici": 12, "sedici": 16, "venti": 20, "trenta": 30, "quaranta": 40, "cinquanta": 50, "sessanta": 60,
    "ottanta": 80, "cento": 100,
    # Dutch
    "twee": 2, "drie": 3, "vijf": 5, "zes": 6, "zeven": 7, "negen": 9, "tien": 10, "twaalf": 12, "zestien": 16,
    "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "tachtig": 80, "honderd": 100,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
HUNDRED = {"hundred", "hundert", "cien", "cent", "cento", "honderd"}
WORD = "|".join(sorted((*ONES, *TENS, *HUNDRED), key=len, reverse=True))
# what may follow a number said in words (any of the six languages)
UNIT = (r"(?:more\s+|extra\s+|additional\s+|further\s+|new\s+|more\s+|virtual\s+)?"
        r"(?:v?cpus?|cores?|vcores?|threads?|sockets?|gigs?|gigabytes?|gb|gib|g|megs?|megabytes?|mb|mib|terabytes?|tb|"
        r"tib|hours?|hrs?|minutes?|mins?|days?|seconds?|secs?|tasks?|lines?|log\s+lines|entries|vms?|cts?|"
        r"containers?|guests?|machines?|snapshots?|backups?|runners?|workers?|nodes?|"
        r"kerne|gigas?|go|núcleos|nucleos|c(?:œ|oe)urs?|minuten|stunden|minutos|horas|heures|minuti|ore|giorni|"
        r"kernen|uur|dagen|tage|d[ií]as|jours)\b")
NUMBER = re.compile(rf"(?<![\w-])((?:{WORD})(?:(?:[\s-]+(?:and\s+|y\s+|e\s+|und\s+)?|-)(?:{WORD}))*)(?=\s+{UNIT})",
                    re.IGNORECASE)


def _value(phrase: str) -> int | None:
    """The value of a number phrase ("twenty four", "one hundred and twenty eight"), None when it is not one."""
    total = current = 0
    last = ""
    for word in re.split(r"[\s-]+", phrase.lower()):
        if word in ("and", "y", "e", "und"):
            if not (last in TENS or last in HUNDRED or ONES.get(last, 0) >= 20):
                return None  # "two and four cores" is two numbers, never six
            continue
        if last and last not in HUNDRED and not (last in TENS or ONES.get(last, 0) >= 20) and word not in HUNDRED:
            return None  # "two four" is no number
        last = word
        if word in HUNDRED:
            current = (current or 1) * 100
        elif word in TENS:
            current += TENS[word]
        elif word in ONES:
            current += ONES[word]
        else:
            return None
    total += current
    return total or None


def in_digits(text: str) -> str:
    """`text` with each number said in words before a unit written in digits."""
    def digits(m: re.Match[str]) -> str:
        value = _value(m.group(1))
        return str(value) if value is not None else m.group(1)

    return NUMBER.sub(digits, text)
