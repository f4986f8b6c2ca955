"""Wording tables for template explanations: per language, per domain, several phrasings per fact.

Placeholders are filled by ``whyrec.explanation.templates``; every value in them comes from a fact.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")

#: what the person did with a history item, by event type: "{title}" and, for ratings, "{rating}"
EVENT_PHRASES: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        "ecommerce": {
            "purchase": "bought {title}", "add_to_cart": "added {title} to your cart",
            "click": "looked at {title}", "view": "viewed {title}",
            "rating": "rated {title} {rating}", "default": "liked {title}",
        },
        "movies": {"rating": "rated {title} {rating}", "default": "watched {title}"},
        "news": {"rating": "rated {title} {rating}", "default": "read {title}"},
    },
    "zh": {
        "ecommerce": {
            "purchase": "购买过{title}", "add_to_cart": "把{title}加入了购物车",
            "click": "点击过{title}", "view": "浏览过{title}",
            "rating": "给{title}打了{rating}", "default": "喜欢{title}",
        },
        "movies": {"rating": "给{title}打了{rating}", "default": "看过{title}"},
        "news": {"rating": "给{title}打了{rating}", "default": "读过{title}"},
    },
}

#: what people in general did with items, for cohort and quality facts
PEOPLE_VERBS = {
    "en": {"ecommerce": "bought or viewed", "movies": "watched", "news": "read"},
    "zh": {"ecommerce": "买过或看过", "movies": "看过", "news": "读过"},
}

ITEM_NOUNS = {
    "en": {"ecommerce": ("item", "items"), "movies": ("film", "films"),
           "news": ("article", "articles")},
    "zh": {"ecommerce": ("件商品", "件商品"), "movies": ("部电影", "部电影"),
           "news": ("篇文章", "篇文章")},
}

FEATURE_NAMES = {
    "en": {"category": "category", "tag": "tag", "brand": "brand", "genre": "genre"},
    "zh": {"category": "类别", "tag": "标签", "brand": "品牌", "genre": "类型"},
}

# Several phrasings per fact kind so explanations do not all read the same.
PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "history_one": (
            "Because you {did}.",
            "You {did}, and this is a close match.",
            "Picked for you because you {did}.",
        ),
        "history_two": (
            "Because you {did} and {did2}.",
            "You {did} and {did2}; this fits the same taste.",
        ),
        "shared_feature": (
            "Like {count} of the {items} you chose, it is in the {feature} \u201c{value}\u201d.",
            "It shares the {feature} \u201c{value}\u201d with {count} of your {items}.",
            "The {feature} \u201c{value}\u201d appears in {count} of your {items}, and here too.",
        ),
        "shared_feature_one": (
            "It shares the {feature} \u201c{value}\u201d with one of your {items}.",
            "Like one of your {items}, it has the {feature} \u201c{value}\u201d.",
        ),
        "cohort": (
            "{share}% of the {anchor_count} people who {people_verb} {anchor} "
            "also {people_verb} it.",
            "Of {anchor_count} people who {people_verb} {anchor}, "
            "{co_count} also {people_verb} it.",
            "People who {people_verb} {anchor} often chose it too ({share}% of {anchor_count}).",
        ),
        "quality_rated": (
            "It is rated {mean}/{scale} by {n_ratings} people.",
            "{n_ratings} people rated it {mean} out of {scale} on average.",
        ),
        "quality_popular": (
            "{n_people} people {people_verb} it.",
            "It is a popular choice: {n_people} people {people_verb} it.",
        ),
        "trend": (
            "It is among the top {rank} in {category} over the last {days} days.",
            "Trending: number {rank} in {category} in the last {days} days.",
        ),
        "preference": ("You told us: {statement}.",),
        "fallback": ("Recommended from your recent activity.",),
    },
    "zh": {
        "history_one": (
            "因为你{did}。",
            "你{did}，这和它很相近。",
            "为你挑选，因为你{did}。",
        ),
        "history_two": (
            "因为你{did}，还{did2}。",
            "你{did}，也{did2}，这符合同样的口味。",
        ),
        "shared_feature": (
            "它和你选择的{count}{items}一样，属于{feature}\u201c{value}\u201d。",
            "它与你的{count}{items}有相同的{feature}\u201c{value}\u201d。",
        ),
        "shared_feature_one": (
            "它与你的一{items}有相同的{feature}\u201c{value}\u201d。",
        ),
        "cohort": (
            "{people_verb}{anchor}的{anchor_count}人中，有{share}%也{people_verb}它。",
            "在{people_verb}{anchor}的{anchor_count}人里，{co_count}人也{people_verb}它。",
        ),
        "quality_rated": (
            "{n_ratings}人给它的平均评分是{mean}分（满分{scale}分）。",
            "它的平均评分为{mean}/{scale}，共{n_ratings}人评价。",
        ),
        "quality_popular": (
            "已有{n_people}人{people_verb}它。",
            "它很受欢迎：{n_people}人{people_verb}它。",
        ),
        "trend": (
            "最近{days}天它在{category}中排名前{rank}。",
            "近{days}天{category}热门第{rank}名。",
        ),
        "preference": ("你说过：{statement}。",),
        "fallback": ("根据你最近的浏览记录为你推荐。",),
    },
}
