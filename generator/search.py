"""Search quality: the jieba user dictionary and the glossary entries the search ranks first.

Material's search segments Chinese text with jieba at build time. Names from the firm's data
(systems, businesses, scenarios, sites, vendors, roles, people, glossary terms)
and the BCP and securities terms shipped in ``data/search_terms.txt`` go into a user dictionary,
so that each is one token in the index and a query for it finds the pages that use it.
"""

from __future__ import annotations

import re

from generator.model import FirmData
from generator.package_data import glossary_terms, package_text

# Runs of Han characters (and the 〇 numeral); names are cut at anything else, because the
# search engine only segments Han text with jieba and splits the rest at its separator.
_HAN_RUN = re.compile(r"[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]{2,}")
# The frequency jieba gives a user word; high enough that the whole name wins over its parts.
FREQUENCY = 2000


def shipped_terms() -> list[str]:
    """BCP and securities terms shipped with the generator."""
    text = package_text("search_terms.txt")
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [word for word in words if word]


def firm_names(firm: FirmData) -> list[str]:
    """The names in the firm's data that become single search tokens.

    Party, team and contact-tree names are left to jieba: they start with a qualifier
    (臺灣集中保管結算所, 全公司緊急聯絡樹), and as one token their inner words could not be found.
    """
    return [
        *(s.name for s in firm.systems),
        *(b.name for b in firm.businesses),
        *(s.name for s in firm.scenarios),
        *(s.name for s in firm.sites),
        *(v.name for v in firm.vendors),
        *(r.title for r in firm.roles()),
        *(p.name for p in firm.people),
        *(t.term for t in firm.glossary),
        *(str(t["term"]) for t in glossary_terms()),
    ]


def dictionary_words(names: list[str]) -> list[str]:
    """The Han runs of at least two characters in ``names``, sorted and unique.

    「分散式阻斷服務攻擊（DDoS）」 gives 「分散式阻斷服務攻擊」: jieba never sees the parentheses or
    the Latin part, so only the Han run can become one token.
    """
    return sorted({run for name in names for run in _HAN_RUN.findall(name)})


def user_dictionary(firm: FirmData) -> str:
    """jieba user dictionary (``word frequency tag`` per line)."""
    words = dictionary_words([*firm_names(firm), *shipped_terms()])
    return "".join(f"{word} {FREQUENCY} n\n" for word in words)
