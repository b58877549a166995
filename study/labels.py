"""What an unknown is called before it is solved: a neutral label, never the title.

"Unknown K7QM2 · 57-year-old man · buttock pain": a code of the case that does not give its
number away (the number leads to the case page, and so to the answer), the patient as the case
states them, and a short presenting complaint taken from the first sentence of the clinical
history. Pure text functions; nothing here reads the database.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from html import unescape

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.html import strip_tags

from cases.models import MAX_DISPLAYED_AGE_YEARS, Case

SEPARATOR = " · "
MAX_COMPLAINT_WORDS = 8
MAX_COMPLAINT_CHARS = 60
ADULT_YEARS = 18
WITHHELD = "[withheld until the diagnosis]"
# Shorter phrases than this are too common to withhold from other text ("MS", "TB").
MIN_WITHHELD_CHARS = 4

# Where the complaint starts in a sentence like "A 57-year-old man presented with a one-month
# history of severe left buttock pain.", most specific first.
_COMPLAINT_MARKERS = [
    re.compile(r"\bhistory of\s+", re.I),
    re.compile(r"\bcomplain(?:s|ed|ing)? of\s+", re.I),
    re.compile(
        r"\b(?:present(?:s|ed|ing)?|admitted|referred|attended|came|seen|reviewed)\b"
        r"[^.;]*?\b(?:with|for)\s+",
        re.I,
    ),
    re.compile(r"\b(?:describ|report|notic|develop)(?:e|es|ed|ing|s)\s+", re.I),
    re.compile(r"\bwith\s+", re.I),
]
_STARTS_WITH_PATIENT = re.compile(
    r"^(?:an?\s+)?\d+[- ](?:year|month|week|day)s?[- ]old\b|^(?:a|an|the)\s+(?:man|woman|"
    r"boy|girl|patient|child|infant|neonate|male|female)\b",
    re.I,
)
_NUMBER_WORDS = (
    r"an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty|"
    r"several|few|a few|many|some|\d+(?:\.\d+)?"
)
_DURATION = re.compile(
    rf"^(?:(?:{_NUMBER_WORDS})[\s-]+)?(?:day|week|month|year)s?(?:['’]s?)?(?:[\s-]+long)?"
    r"(?:\s+of)?\s+",
    re.I,
)
_ARTICLE = re.compile(r"^(?:a|an|the|some)\s+", re.I)
_MODIFIERS = re.compile(
    r"^(?:severe|severely|worsening|increasing|progressive|progressively|acute|chronic|mild|"
    r"moderate|intermittent|recurrent|persistent|sudden|new|gradual|gradually|sharp|dull|"
    r"constant|longstanding|long-standing|ongoing|recent|left|right|bilateral|left-sided|"
    r"right-sided|unilateral)[,\s]+",
    re.I,
)
# An adjective followed by a comma starts a list of adjectives: "a firm, tender swelling".
_LEADING_ADJECTIVE = re.compile(r"^[a-z-]+,\s+(?=\w)", re.I)
_CLAUSE_END = re.compile(
    r"[,;:(\[]|\s[-–—]\s|\s(?:that|which|who|whom|whose|radiating|after|following|since|"
    r"while|when|but|because|despite|over the|in the past|in the last|for the)\s",
    re.I,
)
_TRAILING_WORDS = re.compile(r"(?:\s+(?:and|or|of|the|a|an|with|in|on|at|to|for|from|by))+$", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])|\n\s*\n|\n")
_MARKDOWN_MARKS = re.compile(r"[*_`#>|~]+")


def plain_text(markdown: str) -> str:
    """Markdown as plain text, near enough for finding a first sentence."""
    text = _MARKDOWN_MARKS.sub(" ", unescape(strip_tags(markdown or "")))
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [text](url)
    return re.sub(r"[ \t]+", " ", text).strip()


def first_sentence(markdown: str) -> str:
    text = plain_text(markdown)
    for sentence in _SENTENCE_END.split(text):
        if sentence.strip():
            return sentence.strip()
    return ""


def _strip_repeatedly(text: str, *patterns: re.Pattern[str]) -> str:
    changed = True
    while changed:
        changed = False
        for pattern in patterns:
            stripped = pattern.sub("", text, count=1)
            if stripped != text:
                text, changed = stripped, True
    return text


def presenting_complaint(clinical_history: str, *, withheld: tuple[str, ...] = ()) -> str:
    """A few words of why the patient came, from the history's first sentence: "buttock pain".

    Empty when no complaint can be found, and whenever it would name one of the `withheld`
    phrases (the diagnosis, the title): the label must never give the answer away.
    """
    sentence = first_sentence(clinical_history).rstrip(".!?")
    if not sentence:
        return ""
    for marker in _COMPLAINT_MARKERS:
        match = marker.search(sentence)
        if match:
            complaint = sentence[match.end() :]
            break
    else:
        if _STARTS_WITH_PATIENT.search(sentence):
            return ""
        complaint = sentence
    complaint = _strip_repeatedly(complaint, _ARTICLE, _DURATION)
    clause_end = _CLAUSE_END.search(complaint)
    if clause_end and clause_end.start() > 0:
        # "firm, tender swelling": a comma right after the first word lists adjectives.
        if complaint[clause_end.start()] == "," and _LEADING_ADJECTIVE.match(complaint):
            complaint = _LEADING_ADJECTIVE.sub("", complaint, count=1)
            clause_end = _CLAUSE_END.search(complaint)
        if clause_end and clause_end.start() > 0:
            complaint = complaint[: clause_end.start()]
    complaint = _strip_repeatedly(complaint.strip(), _ARTICLE, _DURATION, _MODIFIERS)
    words = complaint.split()[:MAX_COMPLAINT_WORDS]
    complaint = _TRAILING_WORDS.sub("", " ".join(words)).strip(" ,;:-–—.")
    while len(complaint) > MAX_COMPLAINT_CHARS and " " in complaint:
        complaint = _TRAILING_WORDS.sub("", complaint.rsplit(" ", 1)[0]).strip(" ,;:-")
    if not complaint or len(complaint) > MAX_COMPLAINT_CHARS:
        return ""
    lowered = complaint.lower()
    if any(phrase and phrase.lower() in lowered for phrase in withheld):
        return ""
    first = complaint.split()[0]
    if not (first.isupper() and len(first) > 1):  # keep acronyms: "ESKD", "CT"
        complaint = complaint[0].lower() + complaint[1:]
    return complaint


def patient_phrase(case: Case) -> str:
    """The patient in a few words: "57-year-old man", "6-month-old girl", "woman aged 90+"."""
    age, unit, sex = case.patient_age, case.patient_age_unit or Case.AgeUnit.YEARS, case.patient_sex
    adult = age is None or (unit == Case.AgeUnit.YEARS and age >= ADULT_YEARS)
    nouns = {
        Case.Sex.MALE: "man" if adult else "boy",
        Case.Sex.FEMALE: "woman" if adult else "girl",
    }
    if age is None:
        if sex in (Case.Sex.MALE, Case.Sex.FEMALE):
            return f"{sex} patient"
        return ""
    noun = nouns.get(sex) or ("patient" if adult else "child")
    if unit == Case.AgeUnit.YEARS and age >= MAX_DISPLAYED_AGE_YEARS:
        return f"{noun} aged 90+"
    singular = str(unit).rstrip("s")
    return f"{age}-{singular}-old {noun}"


def withheld_phrases(case: Case) -> tuple[str, ...]:
    """The phrases that name the answer: the final diagnosis, and the title (usually the same)."""
    phrases = {case.final_diagnosis.strip(), case.title.strip()}
    return tuple(
        sorted(
            (phrase for phrase in phrases if len(phrase) >= MIN_WITHHELD_CHARS),
            key=len,
            reverse=True,
        )
    )


def withhold(text: str, phrases: tuple[str, ...]) -> str:
    """`text` with every mention of the answer replaced, for the stages before the diagnosis.

    Authors sometimes name the diagnosis in the history or a caption; the unknown must not.
    """
    if not text:
        return text
    for phrase in phrases:
        text = re.sub(re.escape(phrase), WITHHELD, text, flags=re.I)
    return text


def complaint_of(case: Case) -> str:
    return presenting_complaint(case.clinical_history, withheld=withheld_phrases(case))


# Crockford's base 32: no I, L, O or U to misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Read as their Crockford digits when a code is typed: "i" and "l" are 1, "o" is 0.
_CODE_READINGS = str.maketrans("ILO", "110")
CODE_LENGTH = 5  # the shortest code; numbers past 32**5 take longer ones
CODE_SALT = "study.unknown-code"
# The largest case number a code stands for (a BigAutoField), and so the longest code.
MAX_CODE_ID = 2**63 - 1
_CODE_ROUNDS = 8
_BASE = len(CODE_ALPHABET)


def _code_lengths() -> list[tuple[int, int]]:
    """(length, first number) of every code length: the 32**5 numbers from 0 have 5 characters,
    the next 32**6 have 6, and so on up to MAX_CODE_ID."""
    lengths, first, length = [], 0, CODE_LENGTH
    while first <= MAX_CODE_ID:
        lengths.append((length, first))
        first += _BASE**length
        length += 1
    return lengths


_LENGTHS = _code_lengths()
MAX_CODE_LENGTH = _LENGTHS[-1][0]


@lru_cache(maxsize=4)
def _code_key(secret_key: str) -> bytes:
    return salted_hmac(CODE_SALT, "feistel", secret=secret_key, algorithm="sha256").digest()


def _round(key: bytes, length: int, step: int, value: int, bits: int) -> int:
    message = f"{length}:{step}:{value}".encode()
    digest = hashlib.blake2b(message, key=key, digest_size=8).digest()
    return int.from_bytes(digest, "big") & ((1 << bits) - 1)


def _permute(number: int, length: int, *, inverse: bool = False) -> int:
    """A keyed permutation of range(32**length): a balanced Feistel network over the next even
    number of bits, walked round its cycle until it lands back in the range."""
    bits = 5 * length
    half = (bits + 1) // 2
    mask = (1 << half) - 1
    key = _code_key(settings.SECRET_KEY)
    size = _BASE**length
    rounds = range(_CODE_ROUNDS - 1, -1, -1) if inverse else range(_CODE_ROUNDS)
    while True:
        left, right = number >> half, number & mask
        for step in rounds:
            if inverse:
                left, right = right ^ _round(key, length, step, left, half), left
            else:
                left, right = right, left ^ _round(key, length, step, right, half)
        number = (left << half) | right
        if number < size:
            return number


def encode_unknown(pk: int) -> str:
    """The code of case `pk`: reversible with the site's secret key, and not otherwise."""
    if not 0 < pk <= MAX_CODE_ID:
        raise ValueError(f"No code for case number {pk}.")
    length, first = next((length, first) for length, first in reversed(_LENGTHS) if pk >= first)
    number = _permute(pk - first, length)
    characters = []
    for _ in range(length):
        number, index = divmod(number, _BASE)
        characters.append(CODE_ALPHABET[index])
    return "".join(reversed(characters))


def decode_unknown(code: str) -> int | None:
    """The case number a code stands for, or None for anything that is not a code."""
    if not isinstance(code, str) or not code.isascii():
        return None
    code = code.upper().translate(_CODE_READINGS)
    if not CODE_LENGTH <= len(code) <= MAX_CODE_LENGTH:
        return None
    number = 0
    for character in code:
        index = CODE_ALPHABET.find(character)
        if index < 0:
            return None
        number = number * _BASE + index
    length = len(code)
    first = dict(_LENGTHS)[length]
    pk = first + _permute(number, length, inverse=True)
    return pk if 0 < pk <= MAX_CODE_ID else None


def unknown_code(case: Case) -> str:
    """A short code for the unknown, the same on every page, in its address and in the API, from
    which the case's number cannot be read back without the site's secret key: "K7QM2"."""
    return encode_unknown(case.pk)


def unknown_name(case: Case) -> str:
    """ "Unknown K7QM2": what the unknown is called in headings, titles and links."""
    return f"Unknown {unknown_code(case)}"


def neutral_label(case: Case) -> str:
    """ "Unknown K7QM2 · 57-year-old man · buttock pain": no number, title, diagnosis or tags."""
    parts = [unknown_name(case)]
    if case.case_type == case.CaseType.CLINICAL_CASE:
        patient = patient_phrase(case)
        if patient:
            parts.append(patient)
        complaint = complaint_of(case)
        if complaint:
            parts.append(complaint)
    return SEPARATOR.join(parts)
