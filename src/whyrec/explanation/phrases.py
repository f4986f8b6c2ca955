"""Wording tables for template explanations: per language, per domain, several phrasings per fact.

Placeholders are filled by ``whyrec.explanation.templates``; every value in them comes from a fact.
A phrase name ending in ``_lead`` is the same fact worded as a text's opening: it names the
recommended item (``{title}``), so a text has one opening, not a lead stacked on a reason.
"""

from __future__ import annotations

#: what the person did with a history item, by event type: "{title}" and, for ratings, "{rating}"
EVENT_PHRASES: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        "ecommerce": {
            "purchase": "bought {title}", "add_to_cart": "added {title} to your cart",
            "click": "looked at {title}", "view": "viewed {title}",
            "rating": "rated {title} {rating}", "rated": "rated {title}",
            "default": "liked {title}",
        },
        "movies": {"rating": "rated {title} {rating}", "rated": "rated {title}",
                   "default": "watched {title}"},
        "news": {"rating": "rated {title} {rating}", "rated": "rated {title}",
                 "default": "read {title}"},
    },
    "zh": {
        "ecommerce": {
            "purchase": "购买过{title}", "add_to_cart": "把{title}加入了购物车",
            "click": "点击过{title}", "view": "浏览过{title}",
            "rating": "给{title}打了{rating}", "rated": "给{title}打过分",
            "default": "喜欢{title}",
        },
        "movies": {"rating": "给{title}打了{rating}", "rated": "给{title}打过分",
                   "default": "看过{title}"},
        "news": {"rating": "给{title}打了{rating}", "rated": "给{title}打过分",
                 "default": "读过{title}"},
    },
}

#: what people in general did with items, for cohort and quality facts (the English forms are
#: past tense and past participle at once: "14 people bought or viewed it", "viewed by 14")
PEOPLE_VERBS = {
    "en": {"ecommerce": "bought or viewed", "movies": "watched", "news": "read"},
    "zh": {"ecommerce": "买过或看过", "movies": "看过", "news": "读过"},
}

#: "this one" of a domain: the recommended item, where "it" could be read as a history item
THIS_ONE = {
    "en": {"ecommerce": "this one", "movies": "this one", "news": "this one"},
    "zh": {"ecommerce": "这件商品", "movies": "这部电影", "news": "这篇"},
}

ITEM_NOUNS = {
    "en": {"ecommerce": ("item", "items"), "movies": ("film", "films"),
           "news": ("article", "articles")},
    "zh": {"ecommerce": ("件商品", "件商品"), "movies": ("部电影", "部电影"),
           "news": ("篇文章", "篇文章")},
}

# Several phrasings per fact kind so explanations do not all read the same; the ``_lead`` ones
# open a text and name the item, some with the reason first ("Since you bought …, you may like
# …"). Shared features are worded per feature kind ("made by", "tagged"); "{n}" is a count of
# the person's items ("6", or "one" for one: "one of your items"), "{n_cap}" the same at the
# start of a sentence and "{are}" its verb ("is" for one). "{people}" is "person" for one.
# A count ("6 of your items") and the feature it counts stand on the same side of the item's
# title: a dot inside a title ("Dr. Strangelove") would part them for the count check.
# A brand is always "made by" it: a text is checked for copying the catalog's descriptions
# against the facts' own sentences, which then hold the same words ("from Paper Lantern
# Books" could be a description's).
# Every word outside the placeholders is one of the verifier's closed words (a test checks),
# and wording never claims more than the fact: "often" only for cohort shares of 30 % or more,
# no "popular" for a bare count of people, "number one" only for a first rank.
PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        #: a history fact in a small model's prompt: said plainly, since the model copies
        #: what it is shown, and a frame costs prompt tokens and comes back in every text
        "history_plain": ("You {did}.",),
        "history": (
            "You {did}, and {this_one} is a close match.",
            "You {did}, and {this_one} is similar.",
            "It fits your taste: you {did}.",
        ),
        # each starts its own way (the first five words differ whatever {did} says)
        "history_lead": (
            "Since you {did}, you may like {title}.",
            "You {did}, so {title} could be a good fit.",
            "We picked {title} because you {did}.",
            "Because you {did}, we think you will like {title}.",
            "{title} is here because you {did}.",
            "{title} is a close match: you {did}.",
            "Given that you {did}, {title} is worth a look.",
            "{title} could suit you, since you {did}.",
            "As you {did}, {title} should suit you.",
            "Next up for you: {title}, because you {did}.",
            "You may like {title}, since you {did}.",
            "Our pick for you is {title}, as you {did}.",
            "Here is {title}, picked because you {did}.",
            "{title} fits your taste: you {did}.",
        ),
        "feature_category": (
            "Like {n} of your {items}, it is in the {value} category.",
            "It belongs to the {value} category, like {n} of your {items}.",
            "It shares the {value} category with {n} of your {items}.",
        ),
        "feature_category_lead": (
            "{title} is in the {value} category, like {n} of your {items}.",
            "{title} belongs to the {value} category, like {n} of your {items}.",
            "{n_cap} of your {items} {are} in the {value} category, and so is {title}.",
            "You have {n} {items_n} in the {value} category, and {title} is one more.",
        ),
        "feature_genre": (
            "Like {n} of your {items}, it is in the {value} genre.",
            "It shares the {value} genre with {n} of your {items}.",
        ),
        "feature_genre_lead": (
            "{title} is in the {value} genre, like {n} of your {items}.",
            "{title} shares the {value} genre with {n} of your {items}.",
            "{n_cap} of your {items} {are} in the {value} genre, and so is {title}.",
            "You have {n} {items_n} in the {value} genre, and {title} is one more.",
        ),
        "feature_tag": (
            "Like {n} of your {items}, it is tagged \u201c{value}\u201d.",
            "It shares the tag \u201c{value}\u201d with {n} of your {items}.",
        ),
        "feature_tag_lead": (
            "{title} is tagged \u201c{value}\u201d, like {n} of your {items}.",
            "{title} shares the tag \u201c{value}\u201d with {n} of your {items}.",
            "{n_cap} of your {items} {are} tagged \u201c{value}\u201d, and so is {title}.",
            "The tag \u201c{value}\u201d, shared by {n} of your {items}, is on {title} too.",
        ),
        "feature_brand": (
            "Like {n} of your {items}, it is made by {value}.",
            "It is made by {value}, like {n} of your {items}.",
        ),
        "feature_brand_lead": (
            "{title} is made by {value}, like {n} of your {items}.",
            "{title} is made by {value}, as {are} {n} of your {items}.",
            "{n_cap} of your {items} {are} made by {value}, and so is {title}.",
            "You have {n} {items_n} made by {value}, and {title} is one more.",
        ),
        "cohort": (
            "{share}% of the {anchor_count} people who {people_verb} {anchor} "
            "also {people_verb} it.",
            "Of the {anchor_count} people who {people_verb} {anchor}, "
            "{co_count} also {people_verb} it.",
            "Among {anchor_count} people who {people_verb} {anchor}, "
            "{co_count} {people_verb} it too.",
        ),
        # the item named before the people's verb: a title after it would be read as theirs
        # only while the sentence's "people" is found, which a dot in a title can hide
        "cohort_lead": (
            "{title} was {people_verb} by {co_count} of the {anchor_count} people who "
            "{people_verb} {anchor}.",
            "{title} was also {people_verb} by {share}% of the {anchor_count} people who "
            "{people_verb} {anchor}.",
        ),
        "cohort_often": (
            "People who {people_verb} {anchor} often chose it too ({share}% of {anchor_count}).",
            "{share}% of the {anchor_count} people who {people_verb} {anchor} "
            "also {people_verb} it.",
        ),
        "cohort_often_lead": (
            "People who {people_verb} {anchor} often chose {title} too "
            "({share}% of {anchor_count}).",
            "{title} was also {people_verb} by {share}% of the {anchor_count} people who "
            "{people_verb} {anchor}.",
        ),
        "cohort_about": (
            "About {share}% of people who {people_verb} {anchor} also {people_verb} it.",
            "Roughly {share}% of people who {people_verb} {anchor} {people_verb} it too.",
        ),
        "cohort_about_lead": (
            "About {share}% of people who {people_verb} {anchor} also {people_verb} {title}.",
        ),
        "quality_rated": (
            "It is rated {mean}/{scale} on average by {n_ratings} {people}.",
            "{n_ratings} {people} rated it {mean} out of {scale} on average.",
            "Its average rating is {mean}/{scale}, from {n_ratings} {people}.",
        ),
        "quality_rated_lead": (
            "{title} is rated {mean}/{scale} on average by {n_ratings} {people}.",
            "{title} has an average rating of {mean}/{scale} from {n_ratings} {people}.",
        ),
        "quality_popular": (
            "{n_people} {people} {people_verb} it.",
            "It has been {people_verb} by {n_people} {people}.",
        ),
        "quality_popular_lead": (
            "{n_people} {people} {people_verb} {title}.",
            "{title} has been {people_verb} by {n_people} {people}.",
        ),
        "trend": (
            "It is among the top {rank} in the {category} category over the last {days}.",
            "Over the last {days}, it ranked in the top {rank} of the {category} category.",
        ),
        "trend_lead": (
            "{title} is among the top {rank} in the {category} category over the last {days}.",
            "Over the last {days}, {title} ranked in the top {rank} of the {category} "
            "category.",
        ),
        "trend_first": (
            "It has been number one in the {category} category over the last {days}.",
        ),
        "trend_first_lead": (
            "{title} has been number one in the {category} category over the last {days}.",
        ),
        "preference": ("You told us: {statement}.",),
        "preference_lead": (
            "You told us: {statement}. So we picked {title}.",
            "You told us: {statement}. {title} fits that.",
        ),
        "free_text": ("{text}.",),
        # an opening of its own, for a text whose first fact has no ``_lead`` wording
        "lead": (
            "We picked {title} for you.",
            "{title} could be a good fit for you.",
            "You may like {title}.",
            "Our pick for you is {title}.",
        ),
        "fallback": ("Recommended from your recent activity.",),
        "friendly": ("We think you will like it!", "Have fun with it!",
                     "You may well enjoy it!"),
    },
    "zh": {
        "history_plain": ("你{did}。",),
        "history": (
            "你{did}，{this_one}与之很相近。",
            "它很符合你的口味：你{did}。",
        ),
        "history_lead": (
            "你{did}，所以为你推荐{title}。",
            "因为你{did}，我们为你挑选了{title}。",
            "{title}是为你挑选的，因为你{did}。",
            "既然你{did}，{title}也许适合你。",
            "由于你{did}，这次为你推荐{title}。",
            "{title}可能适合你：你{did}。",
            "为你推荐{title}，因为你{did}。",
            "推荐你看看{title}：你{did}，它与之很相近。",
            "我们为你挑选了{title}，因为你{did}。",
            "{title}很符合你的口味：你{did}。",
            "这次为你推荐{title}，因为你{did}。",
            "你{did}，{title}与之很相近。",
            "你可能会对{title}感兴趣，因为你{did}。",
            "给你推荐{title}，因为你{did}。",
            "接下来推荐你看看{title}，因为你{did}。",
        ),
        "feature_category": (
            "它和你的{n}{items}同属\u201c{value}\u201d类。",
            "它与你的{n}{items}同属\u201c{value}\u201d类。",
        ),
        "feature_category_lead": (
            "{title}和你的{n}{items}一样，属于\u201c{value}\u201d类。",
            "{title}与你的{n}{items}同属\u201c{value}\u201d类。",
            "你的{n}{items}属于\u201c{value}\u201d类，{title}也是。",
            "{title}属于\u201c{value}\u201d类，你的{n}{items}也是。",
        ),
        "feature_genre": (
            "它和你的{n}{items}同属\u201c{value}\u201d类型。",
            "它与你的{n}{items}同属\u201c{value}\u201d类型。",
        ),
        "feature_genre_lead": (
            "{title}和你的{n}{items}一样，属于\u201c{value}\u201d类型。",
            "{title}与你的{n}{items}同属\u201c{value}\u201d类型。",
            "你的{n}{items}属于\u201c{value}\u201d类型，{title}也是。",
            "{title}属于\u201c{value}\u201d类型，你的{n}{items}也是。",
        ),
        "feature_tag": (
            "它和你的{n}{items}同样带有\u201c{value}\u201d标签。",
            "它与你的{n}{items}同样带有\u201c{value}\u201d标签。",
        ),
        "feature_tag_lead": (
            "{title}和你的{n}{items}一样，带有\u201c{value}\u201d标签。",
            "{title}与你的{n}{items}都有\u201c{value}\u201d标签。",
            "你的{n}{items}带有\u201c{value}\u201d标签，{title}也有。",
            "{title}带有\u201c{value}\u201d标签，你的{n}{items}也有。",
        ),
        "feature_brand": (
            "它和你的{n}{items}同样来自品牌\u201c{value}\u201d。",
            "它与你的{n}{items}同样来自品牌\u201c{value}\u201d。",
        ),
        "feature_brand_lead": (
            "{title}和你的{n}{items}一样，来自品牌\u201c{value}\u201d。",
            "{title}与你的{n}{items}都来自品牌\u201c{value}\u201d。",
            "你的{n}{items}来自品牌\u201c{value}\u201d，{title}也是。",
            "{title}来自品牌\u201c{value}\u201d，你的{n}{items}也是。",
        ),
        "cohort": (
            "{people_verb}{anchor}的{anchor_count}人中，有{share}%也{people_verb}它。",
            "在{people_verb}{anchor}的{anchor_count}人里，{co_count}人也{people_verb}它。",
        ),
        "cohort_lead": (
            "{people_verb}{anchor}的{anchor_count}人中，有{share}%也{people_verb}{title}。",
            "在{people_verb}{anchor}的{anchor_count}人里，{co_count}人也{people_verb}{title}。",
        ),
        "cohort_often": (
            "{people_verb}{anchor}的人常常也选择它（{anchor_count}人中的{share}%）。",
            "{people_verb}{anchor}的{anchor_count}人中，有{share}%也{people_verb}它。",
        ),
        "cohort_often_lead": (
            "{people_verb}{anchor}的人常常也选择{title}（{anchor_count}人中的{share}%）。",
            "{people_verb}{anchor}的{anchor_count}人中，有{share}%也{people_verb}{title}。",
        ),
        "cohort_about": (
            "{people_verb}{anchor}的人中，大约{share}%也{people_verb}它。",
        ),
        "cohort_about_lead": (
            "{people_verb}{anchor}的人中，大约{share}%也{people_verb}{title}。",
        ),
        "quality_rated": (
            "{n_ratings}人给它的平均评分是{mean}分（满分{scale}分）。",
            "它的平均评分为{mean}/{scale}，共{n_ratings}人评价。",
        ),
        "quality_rated_lead": (
            "{title}的平均评分是{mean}分（满分{scale}分），共有{n_ratings}人评分。",
            "{title}的平均评分为{mean}/{scale}，共{n_ratings}人评价。",
        ),
        "quality_popular": (
            "已有{n_people}人{people_verb}它。",
            "目前有{n_people}位其他用户{people_verb}它。",
        ),
        "quality_popular_lead": (
            "已有{n_people}人{people_verb}{title}。",
            "{title}目前已有{n_people}人{people_verb}。",
        ),
        "trend": (
            "最近{days}天，它在\u201c{category}\u201d类中排名前{rank}。",
            "近{days}天里，它是\u201c{category}\u201d类的热门第{rank}名。",
        ),
        "trend_lead": (
            "最近{days}天，{title}在\u201c{category}\u201d类中排名前{rank}。",
            "近{days}天里，{title}是\u201c{category}\u201d类的热门第{rank}名。",
        ),
        "trend_first": (
            "最近{days}天，它在\u201c{category}\u201d类中排名第一。",
        ),
        "trend_first_lead": (
            "最近{days}天，{title}在\u201c{category}\u201d类中排名第一。",
        ),
        "preference": ("你说过：{statement}。",),
        "preference_lead": ("你说过：{statement}。所以为你推荐{title}。",),
        "free_text": ("{text}。",),
        "lead": (
            "为你推荐{title}。",
            "这次为你挑选了{title}。",
            "{title}也许适合你。",
            "推荐你看看{title}。",
        ),
        "fallback": ("根据你最近的浏览记录为你推荐。",),
        "friendly": ("希望你喜欢！", "相信你会喜欢它！"),
    },
}

#: "{n} of your items": a number, or these words for exactly one
ONE = {"en": "one", "zh": "一"}
#: at or above this cohort share the wording may say "often"
OFTEN_SHARE = 0.3
