"""Vocabulary for :mod:`monitor.figures` (English and Polish): number words,
vague quantities, bounds, scales, currencies, and the words that make a
number a name, a date or an identifier rather than a figure."""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


def _phrases(table: dict[str, object]) -> dict[tuple[str, ...], object]:
    """``"at least"`` → ``("at", "least")``; ``"half-a-dozen"`` keeps its hyphens."""
    out: dict[tuple[str, ...], object] = {}
    for phrase, value in table.items():
        out[tuple(phrase.replace("-", " - ").split())] = value
    return out


#: a bound before a figure: "at least 40" is ">= 40"
APPROX = _phrases(
    {
        "at least": ">=",
        "no fewer than": ">=",
        "a minimum of": ">=",
        "co najmniej": ">=",
        "przynajmniej": ">=",
        "minimum": ">=",
        "min.": ">=",
        "more than": ">",
        "over": ">",
        "upwards of": ">",
        "in excess of": ">",
        "ponad": ">",
        "przeszło": ">",
        "powyżej": ">",
        "ok.": "~",
        "about": "~",
        "around": "~",
        "roughly": "~",
        "approximately": "~",
        "some": "~",
        "an estimated": "~",
        "estimated": "~",
        "około": "~",
        "ok": "~",
        "mniej więcej": "~",
        "nearly": "<~",
        "almost": "<~",
        "close to": "<~",
        "just under": "<~",
        "niemal": "<~",
        "prawie": "<~",
        "blisko": "<~",
        "less than": "<",
        "fewer than": "<",
        "under": "<",
        "mniej niż": "<",
        "poniżej": "<",
        "up to": "<=",
        "as many as": "<=",
        "as much as": "<=",
        "nawet": "<=",
        "do": "<=",
    }
)
APPROX = {k: v for k, v in APPROX.items() if k != ("do",)}  # "do" is also "to" in Polish

#: a bound written after the figure: "$20 or so", "40 or more"
APPROX_AFTER = _phrases({"or so": "~", "or more": ">=", "and more": ">=", "or less": "<="})

#: vague quantities, as ranges
VAGUE: dict[tuple[str, ...], tuple[float, float]] = _phrases(  # type: ignore[assignment]
    {
        "a dozen": (12, 12),
        "dozen": (12, 12),
        "half a dozen": (6, 6),
        "half-a-dozen": (6, 6),
        "a few dozen": (24, 60),
        "several dozen": (36, 108),
        "dozens": (24, 99),
        "scores": (40, 99),
        "a couple of": (2, 3),
        "a handful of": (3, 6),
        "a handful": (3, 6),
        "a few": (2, 5),
        "few": (2, 5),
        "several": (3, 9),
        "multiple": (2, 9),
        "a hundred": (100, 100),
        "hundreds": (200, 999),
        "several hundred": (300, 900),
        "a few hundred": (200, 500),
        "a thousand": (1000, 1000),
        "thousands": (2000, 9999),
        "several thousand": (3000, 9000),
        "a few thousand": (2000, 5000),
        "tens of thousands": (20_000, 99_999),
        "hundreds of thousands": (200_000, 999_999),
        "millions": (2e6, 9.99e6),
        "a million": (1e6, 1e6),
        "a billion": (1e9, 1e9),
        "milion": (1e6, 1e6),
        "miliard": (1e9, 1e9),
        "tysiąc": (1000, 1000),
        "kilka": (3, 9),
        "kilku": (3, 9),
        "kilkoro": (3, 9),
        "parę": (2, 4),
        "paru": (2, 4),
        "kilkanaście": (11, 19),
        "kilkunastu": (11, 19),
        "kilkadziesiąt": (20, 99),
        "kilkudziesięciu": (20, 99),
        "kilkaset": (200, 999),
        "kilkuset": (200, 999),
        "dziesiątki": (20, 99),
        "dziesiątek": (20, 99),
        "setki": (200, 999),
        "setek": (200, 999),
        "tysiące": (2000, 9999),
        "dziesiątki tysięcy": (20_000, 99_999),
        "setki tysięcy": (200_000, 999_999),
    }
)

_EN = _words(
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
)
NUMBER_WORDS: dict[str, float] = {w: float(n) for n, w in enumerate(_EN, start=2)}
NUMBER_WORDS.update(
    {
        "another": 1,  # one more: "breaks another record" → "breaks two records"
        "thirty": 30,
        "forty": 40,
        "fifty": 50,
        "sixty": 60,
        "seventy": 70,
        "eighty": 80,
        "ninety": 90,
    }
)
_PL = {
    2: "dwa dwie dwóch dwaj dwoje",
    3: "trzy trzech troje",
    4: "cztery czterech czworo",
    5: "pięć pięciu",
    6: "sześć sześciu",
    7: "siedem siedmiu",
    8: "osiem ośmiu",
    9: "dziewięć dziewięciu",
    10: "dziesięć dziesięciu",
    11: "jedenaście jedenastu",
    12: "dwanaście dwunastu",
    13: "trzynaście trzynastu",
    14: "czternaście czternastu",
    15: "piętnaście piętnastu",
    16: "szesnaście szesnastu",
    17: "siedemnaście siedemnastu",
    18: "osiemnaście osiemnastu",
    19: "dziewiętnaście dziewiętnastu",
    20: "dwadzieścia dwudziestu",
    30: "trzydzieści trzydziestu",
    40: "czterdzieści czterdziestu",
    50: "pięćdziesiąt pięćdziesięciu",
    60: "sześćdziesiąt sześćdziesięciu",
    70: "siedemdziesiąt siedemdziesięciu",
    80: "osiemdziesiąt osiemdziesięciu",
    90: "dziewięćdziesiąt dziewięćdziesięciu",
    100: "sto stu",
    200: "dwieście dwustu",
    300: "trzysta trzystu",
}
for _value, _forms in _PL.items():
    for _word in _forms.split():
        NUMBER_WORDS[_word] = float(_value)

#: "one" is a figure only after a bound ("at least one")
ONE_WORDS = {"one", "jeden", "jedna", "jedno", "jednego", "jednej"}

SCALES: dict[str, float] = {
    "hundred": 1e2,
    "thousand": 1e3,
    "k": 1e3,
    "tys": 1e3,
    "tysiąc": 1e3,
    "tysiące": 1e3,
    "tysięcy": 1e3,
    "lakh": 1e5,
    "lakhs": 1e5,
    "million": 1e6,
    "millions": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "milion": 1e6,
    "miliony": 1e6,
    "milionów": 1e6,
    "miliona": 1e6,
    "crore": 1e7,
    "crores": 1e7,
    "cr": 1e7,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "mld": 1e9,
    "miliard": 1e9,
    "miliardy": 1e9,
    "miliardów": 1e9,
    "miliarda": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "bln": 1e12,
    "bilion": 1e12,
    "biliony": 1e12,
    "bilionów": 1e12,
}
#: scales written glued to the number only ($3.2m, $10k, $5b)
GLUED_ONLY_SCALES = {"k", "m", "b", "mn", "bn", "tn", "cr"}

CURRENCY_BEFORE = {
    "$": "$",
    "£": "£",
    "€": "€",
    "¥": "¥",
    "₹": "₹",
    "rs": "₹",
    "inr": "₹",
    "usd": "$",
    "eur": "€",
    "gbp": "£",
    "pln": "zł",
}
CURRENCY_AFTER = {
    "dollars": "$",
    "dollar": "$",
    "usd": "$",
    "euros": "€",
    "euro": "€",
    "eur": "€",
    "pounds": "£",
    "gbp": "£",
    "rupees": "₹",
    "zł": "zł",
    "zl": "zł",
    "złotych": "zł",
    "złote": "zł",
    "złoty": "zł",
    "pln": "zł",
    "dolarów": "$",
    "dolary": "$",
    "funtów": "£",
}
PERCENT = {"%", "percent", "pct", "proc", "procent", "procentów", "procenta"}
RATE = _phrases(
    {
        "/ month": "/month",
        "/ mo": "/month",
        "/ year": "/year",
        "/ yr": "/year",
        "a month": "/month",
        "a year": "/year",
        "per month": "/month",
        "per year": "/year",
        "per annum": "/year",
        "monthly": "/month",
        "annually": "/year",
        "miesięcznie": "/month",
        "rocznie": "/year",
        "na miesiąc": "/month",
        "na rok": "/year",
    }
)

MONTHS = set(
    _words(
        "january february march april may june july august september october november "
        "december jan feb apr jun jul aug sep sept oct nov dec "
        "styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik "
        "listopad grudzień stycznia lutego marca kwietnia maja czerwca lipca sierpnia "
        "września października listopada grudnia"
    )
)

#: a number right after one of these is a name or an identifier
ID_WORDS = set(
    _words(
        "article art section sec phase level stage chapter week round episode ep season "
        "flight route no nr number page version category cat grade tier part vol volume "
        "item paragraph gen generation series gate platform room highway interstate game "
        "matchday act rule resolution amendment clause district ward terminal channel "
        "ios android windows iphone pixel galaxy ps xbox macos covid model type mark "
        "artykuł artykułu ustęp ust punkt pkt etap etapie poziom poziomu faza fazy "
        "sezon sezonie odcinek rozdział paragraf numer numerem kolejka kolejce kolejki runda "
        "rundzie linia linii klasa klasy stopień stopnia"
    )
)

STOP = set(
    _words(
        "the a an of in on at to for and or by with from as is are was were be been being "
        "has have had will would could should may might can do does did that this these "
        "those it its their his her he she they them we our you your who which what when "
        "where than then after before into out up about amid among also not no but so if "
        "there here just only now more most less least some any all per via says said say "
        "while still new over under nearly almost around since just s "
        "w we z ze na do i o się od po za przez że jest są to co nie dla oraz a u jak już "
        "jako tym ten ta te tego jego jej ich był była było były został została zostało "
        "zostały będzie może najmniej ponad około niemal prawie blisko tys mln mld ok "
        "według podczas wśród"
    )
)

#: words that share a sense key across wording and language
SENSE: dict[str, str] = {
    "toll": "DEATH",
    "fatalities": "DEATH",
    "lives": "DEATH",
    "bodies": "DEATH",
    "żyje": "DEATH",
    "żyją": "DEATH",
    "custody": "ARREST",
    "jailed": "ARREST",
}

#: sense keys of nouns that say little about what is counted
GENERIC_NOUNS = {"peop", "pers", "osob", "ludz", "othe", "inny", "inne", "them"}

#: a figure followed by one of these is a duration, not a count
DURATIONS = {
    w: unit
    for unit, words in {
        "hour": "hour hours godzin godziny godzinę",
        "day": "day days dni dzień doby",
        "week": "week weeks tygodni tygodnie tydzień",
        "month": "month months miesięcy miesiące miesiąc",
        "year": "year years lat lata rok roku",
        "minute": "minute minutes minut minuty",
    }.items()
    for w in words.split()
}

#: a figure right after one of these is an age
AGE_WORDS = {"aged", "age", "wieku", "lat"}
