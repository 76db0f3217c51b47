"""Pinyin of people's names: initials for search (张三 → zs) and a full reading for sorting.

pypinyin reads a name as an ordinary word, which gets many surnames wrong (单 → dan, should be
shan); the surname is therefore read from this table first.

A roster of a million names holds far fewer distinct surnames and given names than names, so their
readings are cached (pypinyin takes ~25 µs a name). pypinyin cuts a text into words by forward
maximum matching against its phrase table; when the first two characters start no phrase, the first
character is a word of its own and the rest is cut as if it stood alone, so reading the two parts
apart gives exactly the reading of the whole.
"""

from functools import lru_cache

from pypinyin import lazy_pinyin
from pypinyin.constants import RE_HANS
from pypinyin.seg.mmseg import seg as _phrase_segmenter

PHRASE_PREFIXES = _phrase_segmenter._prefix_set

COMPOUND_SURNAMES = {
    "欧阳": ("ou", "yang"),
    "司马": ("si", "ma"),
    "诸葛": ("zhu", "ge"),
    "上官": ("shang", "guan"),
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "长孙": ("zhang", "sun"),
    "单于": ("chan", "yu"),
    "令狐": ("ling", "hu"),
    "皇甫": ("huang", "fu"),
    "慕容": ("mu", "rong"),
    "宇文": ("yu", "wen"),
    "澹台": ("tan", "tai"),
    "公孙": ("gong", "sun"),
    "东方": ("dong", "fang"),
    "夏侯": ("xia", "hou"),
    "司徒": ("si", "tu"),
    "端木": ("duan", "mu"),
    "呼延": ("hu", "yan"),
    "轩辕": ("xuan", "yuan"),
}
SURNAMES = {
    "单": "shan",
    "解": "xie",
    "区": "ou",
    "曾": "zeng",
    "仇": "qiu",
    "查": "zha",
    "朴": "piao",
    "盖": "ge",
    "覃": "qin",
    "缪": "miao",
    "乐": "yue",
    "召": "shao",
    "翟": "zhai",
    "员": "yun",
    "祭": "zhai",
    "繁": "po",
    "种": "chong",
    "秘": "bi",
    "宿": "su",
    "折": "she",
    "能": "nai",
    "尉": "yu",
    "柏": "bai",
    "贾": "jia",
    "卜": "bu",
    "牟": "mou",
    "那": "na",
    "任": "ren",
    "沈": "shen",
    "石": "shi",
    "华": "hua",
    "纪": "ji",
    "冼": "xian",
    "过": "guo",
    "盛": "sheng",
    "蕃": "pi",
    "句": "gou",
    "阚": "kan",
    "颉": "xie",
    "相": "xiang",
    "藏": "zang",
    "隗": "wei",
    "重": "chong",
    "长": "chang",
    "都": "du",
    "要": "yao",
    "应": "ying",
    "费": "fei",
    "殷": "yin",
}


def _split_surname(name: str) -> tuple[list[str], str]:
    if name[:2] in COMPOUND_SURNAMES:
        return list(COMPOUND_SURNAMES[name[:2]]), name[2:]
    if name[:1] in SURNAMES:
        return [SURNAMES[name[:1]]], name[1:]
    return [], name


@lru_cache(maxsize=200_000)
def _plain_readings(text: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(text, errors="default"))


def _text_readings(text: str) -> tuple[str, ...]:
    """lazy_pinyin(text), from the cached readings of its first character and of the rest."""
    if len(text) > 1 and RE_HANS.match(text[0]) and text[:2] not in PHRASE_PREFIXES:
        return _plain_readings(text[0]) + _plain_readings(text[1:])
    return _plain_readings(text)


def _readings(name: str) -> list[str]:
    name = "".join(name.split()).replace("·", "").replace("•", "")
    surname, rest = _split_surname(name)
    return surname + list(_text_readings(rest))


def name_initials(name: str) -> str:
    """张三 → zs; 单田芳 → stf; letters and digits in a name are kept as they are."""
    return "".join(part[0] for part in _readings(name) if part).lower()


def name_pinyin(name: str) -> str:
    """The full reading, for sorting names in pinyin order on any database: 张三 → zhang san."""
    return " ".join(_readings(name)).lower()


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    return frozenset(to_normal(r) for readings in pinyin_dict.values() for r in readings.split(","))


def spaced_reading(letters: str) -> str | None:
    """Typed pinyin cut into syllables the way name_pinyin writes them (zhangsan → zhang san), the
    last one possibly unfinished (zhangs → zhang s); None when the letters are no pinyin. Spaces the
    user typed are kept as cuts."""
    words = letters.lower().split()
    syllables = _syllables()
    out: list[str] = []
    for n, word in enumerate(words):
        cut = _cut(word, syllables, last=n == len(words) - 1)
        if cut is None:
            return None
        out += cut
    return " ".join(out) or None


def _cut(word: str, syllables: frozenset[str], *, last: bool) -> list[str] | None:
    if not word:
        return []
    for end in range(min(6, len(word)), 0, -1):
        head = word[:end]
        if head in syllables:
            rest = _cut(word[end:], syllables, last=last)
            if rest is not None:
                return [head, *rest]
    if last and any(s.startswith(word) for s in syllables):
        return [word]
    return None
