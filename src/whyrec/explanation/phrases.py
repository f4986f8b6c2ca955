"""Wording tables for template explanations: per language, per domain, several phrasings per fact.

Placeholders are filled by ``whyrec.explanation.templates``; every value in them comes from a fact.
"""

from __future__ import annotations

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

# Several phrasings per fact kind so explanations do not all read the same. Shared features are
# worded per feature kind ("made by", "tagged"); "{n}" is a count of the person's items, worded
# in full ("{n} of your items") or, for one item, without a number ("one of your items").
# Wording must never claim more than the fact: "often" only for cohort shares of 30 % or more,
# and no "popular" for a bare count of people.
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
        "feature_category": (
            "Like {n} of your {items}, it is in {value}.",
            "It is in {value}, like {n} of your {items}.",
        ),
        "feature_genre": (
            "Like {n} of your {items}, it is in the genre \u201c{value}\u201d.",
            "It shares the genre \u201c{value}\u201d with {n} of your {items}.",
        ),
        "feature_tag": (
            "Like {n} of your {items}, it is tagged \u201c{value}\u201d.",
            "It is tagged \u201c{value}\u201d, like {n} of your {items}.",
        ),
        "feature_brand": (
            "Like {n} of your {items}, it is made by {value}.",
            "It comes from {value}, like {n} of your {items}.",
        ),
        "cohort": (
            "{share}% of the {anchor_count} people who {people_verb} {anchor} "
            "also {people_verb} it.",
            "Of {anchor_count} people who {people_verb} {anchor}, "
            "{co_count} also {people_verb} it.",
        ),
        "cohort_often": (
            "People who {people_verb} {anchor} often chose it too ({share}% of {anchor_count}).",
        ),
        "cohort_about": (
            "About {share}% of people who {people_verb} {anchor} also {people_verb} it.",
        ),
        "quality_rated": (
            "It is rated {mean}/{scale} by {n_ratings} people.",
            "{n_ratings} people rated it {mean} out of {scale} on average.",
        ),
        "quality_popular": (
            "{n_people} people {people_verb} it.",
            "{n_people} other people {people_verb} it.",
        ),
        "trend": (
            "It is among the top {rank} in {category} over the last {days} days.",
            "Trending: number {rank} in {category} in the last {days} days.",
        ),
        "preference": ("You told us: {statement}.",),
        "free_text": ("{text}.",),
        "lead": ("We picked {title} for you.", "{title} is recommended for you."),
        "fallback": ("Recommended from your recent activity.",),
        "friendly": ("Hope you enjoy it!", "We think you'll like it!"),
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
        "feature_category": (
            "它和你的{n}{items}一样，属于\u201c{value}\u201d类。",
            "它与你的{n}{items}同属\u201c{value}\u201d类。",
        ),
        "feature_genre": (
            "它和你的{n}{items}一样，属于\u201c{value}\u201d类型。",
            "它与你的{n}{items}同为\u201c{value}\u201d类型。",
        ),
        "feature_tag": (
            "它和你的{n}{items}一样，带有\u201c{value}\u201d标签。",
            "它与你的{n}{items}都有\u201c{value}\u201d标签。",
        ),
        "feature_brand": (
            "它和你的{n}{items}一样，来自品牌\u201c{value}\u201d。",
            "它与你的{n}{items}同为\u201c{value}\u201d品牌。",
        ),
        "cohort": (
            "{people_verb}{anchor}的{anchor_count}人中，有{share}%也{people_verb}它。",
            "在{people_verb}{anchor}的{anchor_count}人里，{co_count}人也{people_verb}它。",
        ),
        "cohort_often": (
            "{people_verb}{anchor}的人常常也选择它（{anchor_count}人中的{share}%）。",
        ),
        "cohort_about": (
            "{people_verb}{anchor}的人中，大约{share}%也{people_verb}它。",
        ),
        "quality_rated": (
            "{n_ratings}人给它的平均评分是{mean}分（满分{scale}分）。",
            "它的平均评分为{mean}/{scale}，共{n_ratings}人评价。",
        ),
        "quality_popular": (
            "已有{n_people}人{people_verb}它。",
            "目前有{n_people}位其他用户{people_verb}它。",
        ),
        "trend": (
            "最近{days}天它在{category}中排名前{rank}。",
            "近{days}天{category}热门第{rank}名。",
        ),
        "preference": ("你说过：{statement}。",),
        "free_text": ("{text}。",),
        "lead": ("为你推荐{title}。", "推荐给你：{title}。"),
        "fallback": ("根据你最近的浏览记录为你推荐。",),
        "friendly": ("希望你喜欢！", "相信你会喜欢它！"),
    },
}

#: "{n} of your items": a number, or these words for exactly one
ONE = {"en": "one", "zh": "一"}
#: at or above this cohort share the wording may say "often"
OFTEN_SHARE = 0.3
