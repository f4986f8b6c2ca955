"""Many surface forms of each evidence kind, in English and Chinese: fine-tuning targets.

The template explainer words every fact one fixed way (a handful of phrasings). A model fine-tuned
on that alone collapses into the template. Here each fact kind has many clause forms, and
:func:`paraphrase` joins one to three of them with varied connectives into the continuation of
the prompt's answer start ("We picked “X” because" / "推荐《X》，因为"). Every value placed in a
form comes from the fact itself; :mod:`whyrec.tuning.data` still verifies every result.

Clause forms are registered per evidence kind (``EN_CLAUSES`` / ``ZH_CLAUSES``); a kind without
its own forms is worded as the template words it (its sentence made a clause), so a new kind
needs nothing here to be trained on.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from whyrec.explanation.templates import TemplateExplainer
from whyrec.privacy.rounding import approximate_percent
from whyrec.text import quote_title
from whyrec.types import (
    Cohort,
    Evidence,
    FreeText,
    HistoryItem,
    ItemQuality,
    Preference,
    SharedFeature,
    Trend,
)

#: English history verbs by domain and event; "{t}" is the quoted title, "{r}" the rating
EN_DID = {
    "purchase": ("bought {t}", "purchased {t}", "ordered {t}", "picked up {t}"),
    "add_to_cart": ("added {t} to your cart", "put {t} in your cart"),
    "click": ("looked at {t}", "clicked on {t}", "checked out {t}"),
    "view": ("viewed {t}", "looked at {t}", "checked out {t}"),
    "rating": ("rated {t} {r}", "gave {t} {r}", "rated {t} {r} yourself"),
    "movies": ("watched {t}", "saw {t}", "have watched {t}"),
    "news": ("read {t}", "have read {t}"),
    "ecommerce": ("liked {t}", "showed interest in {t}"),
}
ZH_DID = {
    "purchase": ("购买过{t}", "买过{t}", "下单购买了{t}"),
    "add_to_cart": ("把{t}加入了购物车", "将{t}放进了购物车"),
    "click": ("点击过{t}", "浏览过{t}"),
    "view": ("浏览过{t}", "看过{t}的页面"),
    "rating": ("给{t}打了{r}", "给{t}评了{r}"),
    "movies": ("看过{t}", "观看过{t}"),
    "news": ("读过{t}", "阅读过{t}"),
    "ecommerce": ("喜欢{t}", "关注过{t}"),
}
EN_PEOPLE = {"ecommerce": "bought or viewed", "movies": "watched", "news": "read"}
ZH_PEOPLE = {"ecommerce": "买过或看过", "movies": "看过", "news": "读过"}
EN_NOUN = {"ecommerce": ("item", "items"), "movies": ("film", "films"),
           "news": ("article", "articles")}
ZH_NOUN = {"ecommerce": "件商品", "movies": "部电影", "news": "篇文章"}

#: English clause forms per feature kind: "{v}" value, "{n}" count phrase ("4 of your films")
EN_FEATURE = {
    "genre": ("it shares the genre \u201c{v}\u201d with {n}", "like {n}, it is in the genre "
              "\u201c{v}\u201d", "{n} share its genre, \u201c{v}\u201d"),
    "category": ("it is in {v}, like {n}", "like {n}, it belongs to {v}",
                 "it is another {v} pick, like {n}"),
    "tag": ("it is tagged \u201c{v}\u201d, like {n}", "it carries the tag \u201c{v}\u201d, as "
            "{n} do", "like {n}, it is tagged \u201c{v}\u201d"),
    "brand": ("it is made by {v}, like {n}", "it comes from {v}, the brand of {n}",
              "like {n}, it is from {v}"),
}
ZH_FEATURE = {
    "genre": ("它和你的{n}一样，属于\u201c{v}\u201d类型", "它与你的{n}同为\u201c{v}\u201d类型",
              "它也是\u201c{v}\u201d类型，你有{n}也是"),
    "category": ("它和你的{n}一样，属于\u201c{v}\u201d类", "它与你的{n}同属\u201c{v}\u201d类"),
    "tag": ("它和你的{n}一样，带有\u201c{v}\u201d标签", "它与你的{n}都有\u201c{v}\u201d标签"),
    "brand": ("它和你的{n}一样，来自品牌\u201c{v}\u201d", "它与你的{n}同为\u201c{v}\u201d品牌"),
}


#: a clause for one fact: (the fact, the domain, the random source, the rating scale or the
#: translations) -> the clause, or None when the fact has nothing to say
EnClause = Callable[[Evidence, str, random.Random, float], "str | None"]
ZhClause = Callable[[Evidence, str, random.Random, dict[str, str]], "str | None"]
#: English and Chinese clause forms, by evidence kind
EN_CLAUSES: dict[str, EnClause] = {}
ZH_CLAUSES: dict[str, ZhClause] = {}


def _en(kind: str) -> Callable[[Callable[..., str | None]], Callable[..., str | None]]:
    def register(clause: Callable[..., str | None]) -> Callable[..., str | None]:
        EN_CLAUSES[kind] = clause
        return clause
    return register


def _zh(kind: str) -> Callable[[Callable[..., str | None]], Callable[..., str | None]]:
    def register(clause: Callable[..., str | None]) -> Callable[..., str | None]:
        ZH_CLAUSES[kind] = clause
        return clause
    return register


def paraphrase(facts: Sequence[Evidence], language: str, domain: str, rng: random.Random,
               *, translations: dict[str, str] | None = None,
               rating_scale: float = 5.0) -> str:
    """The continuation of the answer start that words ``facts`` (in order) one varied way.

    Parameters
    ----------
    facts : one or more facts, already cleaned as the prompt shows them.
    language : ``en`` or ``zh``.
    domain : ``ecommerce``, ``movies`` or ``news``.
    rng : the random source (a seeded ``random.Random`` makes the result reproducible).

    Examples
    --------
    >>> from whyrec.types import HistoryItem
    >>> fact = HistoryItem(id="h1", item_id="9", title="Heat", score_share=1.0,
    ...                    event="rating", rating=5.0)
    >>> paraphrase([fact], "en", "movies", random.Random(0)).startswith(" you")
    True
    """
    translations = translations or {}
    clauses: list[str | None] = []
    for fact in facts:
        if language == "zh" and fact.kind in ZH_CLAUSES:
            clauses.append(ZH_CLAUSES[fact.kind](fact, domain, rng, translations))
        elif language != "zh" and fact.kind in EN_CLAUSES:
            clauses.append(EN_CLAUSES[fact.kind](fact, domain, rng, rating_scale))
        else:
            clauses.append(_template_clause(fact, language, domain, rng, translations,
                                            rating_scale))
    if language == "zh":
        return _zh_join([c for c in clauses if c], rng)
    return _en_join([c for c in clauses if c], rng)


def framed(title: str, facts: Sequence[Evidence], language: str, domain: str, rng: random.Random,
           *, tone: str = "neutral", translations: dict[str, str] | None = None,
           rating_scale: float = 5.0, title_first: bool = False) -> str:
    """A whole explanation of ``title`` from ``facts`` (in order), one of many sentence shapes:
    the first fact inside an opening that names the item, each further fact a sentence of its
    own with a varied connective, and a warm close for the friendly tone. ``title_first``: only
    openings that start with the quoted title (a tuned model's answer starts with it).

    Examples
    --------
    >>> from whyrec.types import HistoryItem
    >>> fact = HistoryItem(id="h1", item_id="9", title="Heat", score_share=1.0,
    ...                    event="rating", rating=5.0)
    >>> "\u201cRonin\u201d" in framed("Ronin", [fact], "en", "movies", random.Random(0))
    True
    """
    translations = translations or {}
    clauses = [c for c in (_clause(f, language, domain, rng, translations, rating_scale)
                           for f in facts) if c]
    if language == "zh":
        return _zh_framed(title, clauses, rng, tone, title_first)
    return _en_framed(title, clauses, rng, tone, title_first)


def _clause(fact: Evidence, language: str, domain: str, rng: random.Random,
            translations: dict[str, str], scale: float) -> str | None:
    if language == "zh" and fact.kind in ZH_CLAUSES:
        return ZH_CLAUSES[fact.kind](fact, domain, rng, translations)
    if language != "zh" and fact.kind in EN_CLAUSES:
        return EN_CLAUSES[fact.kind](fact, domain, rng, scale)
    return _template_clause(fact, language, domain, rng, translations, scale)


#: English openings: "{t}" the quoted title, "{c}" the first fact's clause
EN_OPENINGS = (
    "We picked {t} because {c}.",
    "{t} is here because {c}.",
    "Since {c}, {t} should suit you.",
    "Because {c}, we think you will like {t}.",
    "{t} is a good pick for you: {c}.",
    "Why {t}? Because {c}.",
    "{C}. That is why we picked {t}.",
    "Here is why we chose {t}: {c}.",
    "{t} suits you, because {c}.",
    "We recommend {t} since {c}.",
    "{C}, so {t} could be a good match for you.",
    "Our pick for you is {t}, because {c}.",
    "{t} fits you well: {c}.",
    "{t} could be a good match for you, since {c}.",
    "{t} is our pick for you, because {c}.",
    "{t} is worth a try: {c}.",
)
#: how a further fact's sentence may open (its clause then starts lower-case)
EN_CONNECTIVES = ("Also, ", "And ", "What is more, ", "", "Besides, ", "Plus, ")
EN_FRIENDLY = ("We hope you enjoy it!", "We think it could be a great fit.",
               "It could be a lovely choice for you.", "We think you will enjoy it.")
ZH_OPENINGS = (
    "推荐{t}，因为{c}。",
    "为你推荐{t}：{c}。",
    "因为{c}，所以为你推荐{t}。",
    "{c}，所以{t}应该也适合你。",
    "推荐{t}的原因是{c}。",
    "{t}很适合你：{c}。",
    "{t}是为你挑选的，因为{c}。",
    "这次为你挑选了{t}，理由是{c}。",
    "{c}，因此我们推荐{t}。",
    "{t}值得一试，因为{c}。",
    "{t}推荐给你，因为{c}。",
    "{t}和你的喜好很相符：{c}。",
)
ZH_CONNECTIVES = ("另外，", "而且", "同时，", "", "此外，")
ZH_FRIENDLY = ("希望你会喜欢！", "祝你喜欢！")


def _en_framed(title: str, clauses: list[str], rng: random.Random, tone: str,
               title_first: bool = False) -> str:
    quoted = (title if title.startswith("\u201c") else f"\u201c{title}\u201d")
    if not clauses:
        return f"{quoted} is our pick for you." if title_first else f"We picked {quoted} for you."
    first, rest = clauses[0], clauses[1:]
    opening = rng.choice([o for o in EN_OPENINGS if o.startswith("{t}")] if title_first
                         else EN_OPENINGS)
    text = opening.format(t=quoted, c=first, C=first[:1].upper() + first[1:])
    text = text[:1].upper() + text[1:]
    # each connective at most once a text ("Besides, … Besides, …" reads badly)
    connectives = rng.sample(EN_CONNECTIVES, len(EN_CONNECTIVES))
    for clause, connective in zip(rest, connectives * 2, strict=False):
        text += " " + (connective + clause if connective else clause[:1].upper() + clause[1:])
        text += "."
    if tone == "friendly":
        text += " " + rng.choice(EN_FRIENDLY)
    return text


def _zh_framed(title: str, clauses: list[str], rng: random.Random, tone: str,
               title_first: bool = False) -> str:
    quoted = title if title.startswith("《") else f"《{title}》"
    if not clauses:
        return f"{quoted}推荐给你。" if title_first else f"为你推荐{quoted}。"
    first, rest = clauses[0], clauses[1:]
    text = rng.choice([o for o in ZH_OPENINGS if o.startswith("{t}")] if title_first
                      else ZH_OPENINGS).format(t=quoted, c=first)
    connectives = rng.sample(ZH_CONNECTIVES, len(ZH_CONNECTIVES))
    for clause, connective in zip(rest, connectives * 2, strict=False):
        text += connective + clause + "。"
    if tone == "friendly":
        text += rng.choice(ZH_FRIENDLY)
    return text


def _template_clause(fact: Evidence, language: str, domain: str, rng: random.Random,
                     translations: dict[str, str], scale: float) -> str | None:
    """A kind without clause forms of its own: the template's sentence, as a clause."""
    wording = TemplateExplainer(language=language, domain=domain, translations=translations,
                                rating_scale=scale, name_item=False)
    sentence = wording.sentence([fact], str(rng.random()))
    if not sentence:
        return None
    text = sentence.strip().rstrip("。.!！")
    return text if language == "zh" else text[:1].lower() + text[1:]


# --- English ------------------------------------------------------------------------------------
@_en(HistoryItem.kind)
def _en_history(fact: HistoryItem, domain: str, rng: random.Random, scale: float) -> str:
    title = quote_title(fact.title, "en")
    event = fact.event if fact.event in EN_DID else domain
    if event == "rating" and fact.rating is None:
        event = domain
    rating = f"{_num(fact.rating or 0.0)}/{_num(scale)}"
    return "you " + rng.choice(EN_DID[event]).format(t=title, r=rating)


@_en(SharedFeature.kind)
def _en_feature(fact: SharedFeature, domain: str, rng: random.Random, scale: float) -> str:
    noun_many = EN_NOUN[domain][1]
    kind = "genre" if domain == "movies" and fact.feature == "category" else fact.feature
    forms = EN_FEATURE.get(kind, EN_FEATURE["tag"])
    count = ("one of your " + noun_many if fact.history_count == 1
             else f"{fact.history_count} of your {noun_many}")
    return rng.choice(forms).format(v=fact.value, n=count)


@_en(Cohort.kind)
def _en_cohort(fact: Cohort, domain: str, rng: random.Random, scale: float) -> str:
    verb = EN_PEOPLE[domain]
    anchor = (fact.anchor_title if fact.anchor_title.startswith("《")
              else f"\u201c{fact.anchor_title}\u201d")
    if fact.approximate:
        return (f"about {approximate_percent(fact.share)}% of people who {verb} {anchor} "
                f"also {verb} it")
    shares = [f"{round(fact.share * 100)}% of the {fact.anchor_count} people who {verb} "
              f"{anchor} also {verb} it",
              f"{fact.co_count} of the {fact.anchor_count} people who {verb} {anchor} also "
              f"{verb} it"]
    if fact.share >= 0.3:
        shares.append(f"people who {verb} {anchor} often chose it too")
    return rng.choice(shares)


@_en(ItemQuality.kind)
def _en_quality(fact: ItemQuality, domain: str, rng: random.Random, scale: float) -> str:
    verb = EN_PEOPLE[domain]
    if fact.mean_rating is not None and fact.n_ratings:
        mean, top = _num(fact.mean_rating), _num(fact.rating_scale or scale)
        return rng.choice((
            f"it is rated {mean}/{top} by {fact.n_ratings} people",
            f"{fact.n_ratings} people rated it {mean} out of {top} on average",
            f"it has an average rating of {mean}/{top} from {fact.n_ratings} people",
        ))
    return rng.choice((f"{fact.n_people} people {verb} it",
                       f"{fact.n_people} other people {verb} it"))


@_en(Trend.kind)
def _en_trend(fact: Trend, domain: str, rng: random.Random, scale: float) -> str:
    return rng.choice((
        f"it is among the top {fact.rank_in_category} in {fact.category} over the last "
        f"{fact.window_days} days",
        f"it ranks number {fact.rank_in_category} in {fact.category} in the last "
        f"{fact.window_days} days"))


@_en(Preference.kind)
def _en_preference(fact: Preference, domain: str, rng: random.Random, scale: float) -> str:
    return rng.choice((f"you told us: {fact.statement}", f"you said {fact.statement}"))


@_en(FreeText.kind)
def _en_free_text(fact: FreeText, domain: str, rng: random.Random, scale: float) -> str | None:
    text = fact.text.strip().rstrip(".!")
    return text[:1].lower() + text[1:] if text else None


def _en_join(clauses: list[str], rng: random.Random) -> str:
    if not clauses:
        return ""
    first, rest = clauses[0], clauses[1:]
    if not rest:
        return " " + first + "."
    if len(rest) == 1 and rng.random() < 0.5:
        return " " + first + rng.choice((", and ", "; also, ", ", and besides, ")) + rest[0] + "."
    text = " " + first + "."
    openers = ("", "Also, ", "On top of that, ", "And ", "What is more, ", "Besides, ")
    for clause in rest:
        opener = rng.choice(openers)
        sentence = opener + clause if opener else clause[:1].upper() + clause[1:]
        text += " " + sentence + "."
    return text


# --- Chinese ------------------------------------------------------------------------------------
@_zh(HistoryItem.kind)
def _zh_history(fact: HistoryItem, domain: str, rng: random.Random,
                translations: dict[str, str]) -> str:
    title = fact.title if fact.title.startswith("《") else f"《{fact.title}》"
    event = fact.event if fact.event in ZH_DID else domain
    if event == "rating" and fact.rating is None:
        event = domain
    return "你" + rng.choice(ZH_DID[event]).format(t=title, r=f"{_num(fact.rating or 0)}分")


@_zh(SharedFeature.kind)
def _zh_feature(fact: SharedFeature, domain: str, rng: random.Random,
                translations: dict[str, str]) -> str:
    kind = "genre" if domain == "movies" and fact.feature == "category" else fact.feature
    value = translations.get(fact.value, fact.value)
    count = ("一" if fact.history_count == 1 else str(fact.history_count)) + ZH_NOUN[domain]
    return rng.choice(ZH_FEATURE.get(kind, ZH_FEATURE["tag"])).format(v=value, n=count)


@_zh(Cohort.kind)
def _zh_cohort(fact: Cohort, domain: str, rng: random.Random,
               translations: dict[str, str]) -> str:
    verb = ZH_PEOPLE[domain]
    anchor = fact.anchor_title if fact.anchor_title.startswith("《") else f"《{fact.anchor_title}》"
    if fact.approximate:
        return f"{verb}{anchor}的人中，大约{approximate_percent(fact.share)}%也{verb}它"
    return rng.choice((
        f"{verb}{anchor}的{fact.anchor_count}人中，有{round(fact.share * 100)}%也{verb}它",
        f"在{verb}{anchor}的{fact.anchor_count}人里，{fact.co_count}人也{verb}它"))


@_zh(ItemQuality.kind)
def _zh_quality(fact: ItemQuality, domain: str, rng: random.Random,
                translations: dict[str, str]) -> str:
    verb = ZH_PEOPLE[domain]
    if fact.mean_rating is not None and fact.n_ratings:
        mean, top = _num(fact.mean_rating), _num(fact.rating_scale or 5.0)
        return rng.choice((f"{fact.n_ratings}人给它的平均评分是{mean}分（满分{top}分）",
                           f"它的平均评分为{mean}/{top}，共{fact.n_ratings}人评价"))
    return rng.choice((f"已有{fact.n_people}人{verb}它",
                       f"目前有{fact.n_people}位用户{verb}它"))


@_zh(Trend.kind)
def _zh_trend(fact: Trend, domain: str, rng: random.Random,
              translations: dict[str, str]) -> str:
    category = translations.get(fact.category, fact.category)
    return f"最近{fact.window_days}天它在{category}中排名前{fact.rank_in_category}"


@_zh(Preference.kind)
def _zh_preference(fact: Preference, domain: str, rng: random.Random,
                   translations: dict[str, str]) -> str:
    return f"你说过：{fact.statement}"


@_zh(FreeText.kind)
def _zh_free_text(fact: FreeText, domain: str, rng: random.Random,
                  translations: dict[str, str]) -> str | None:
    return fact.text.strip().rstrip("。.!！") or None


def _zh_join(clauses: list[str], rng: random.Random) -> str:
    if not clauses:
        return ""
    text = clauses[0]
    for clause in clauses[1:]:
        text += rng.choice(("。另外，", "。而且", "；", "。")) + clause
    return text + "。"


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")
