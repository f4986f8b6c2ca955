"""Hand-written wording lists for the verifier's labelled set (English and Chinese).

Faithful phrases restate one fact in other words; false phrases add exactly one claim that no
fact backs (or break the grammar). ``build.py`` fills the placeholders from real facts:

* ``{A}``: a history item's title, quoted (“…” in English, 《…》 in Chinese);
* ``{r}`` / ``{s}``: that item's rating and the rating scale;
* ``{it}`` / ``{It}``: the recommended item's quoted title in the sentence that names it, else
  "it" / "It" (Chinese: 它);
* ``{n}``: a count of the person's items; ``{value}``: a catalog word; ``{noun}``: what the item
  is ("running shoe", "film").

Attribute and plan lists carry ``keys``: lower-case word stems. A line is used only when no key
occurs in the item's catalog details or in any fact, so that it is really unsupported.
"""

from __future__ import annotations

# --- faithful paraphrases: what the person did (verb phrase before the item) --------------------
#: by event; "rated" lists are for events that carry a rating
HISTORY = {
    "en": {
        "purchase": ["bought {A}", "purchased {A}", "ordered {A}"],
        "purchase_rated": ["bought {A} and rated it {r}/{s}",
                           "bought {A} and gave it {r} out of {s}"],
        "purchase_high": ["bought {A} and liked it ({r}/{s})"],
        "click": ["clicked on {A}", "looked at {A}"],
        "view": ["viewed {A}", "had a look at {A}"],
        "add_to_cart": ["put {A} in your cart", "added {A} to your basket"],
        "rating": ["gave {A} {r}/{s}", "rated {A} {r} out of {s}"],
        "rating_high": ["rated {A} highly ({r}/{s})", "enjoyed {A} ({r}/{s})"],
        "rating_movies": ["gave {A} {r} stars"],
    },
    "zh": {
        "purchase": ["买过{A}", "下单购买了{A}"],
        "purchase_rated": ["购买过{A}并打了{r}分", "买了{A}，给它打了{r}分"],
        "purchase_high": ["买过{A}，而且很满意（{r}分）"],
        "click": ["点开过{A}", "点击查看过{A}"],
        "view": ["浏览过{A}的页面", "浏览过{A}"],
        "add_to_cart": ["把{A}放进了购物车", "将{A}加入购物车"],
        "rating": ["给{A}打过{r}分", "为{A}评了{r}分"],
        "rating_high": ["很喜欢{A}（打了{r}分）", "给{A}打了{r}分的高分"],
        "rating_movies": ["给{A}评了{r}星"],
    },
}

#: a sentence around one or two history phrases ({did}, {did2})
HISTORY_SENTENCES = {
    "en": {
        "one": ["We chose {it} because you {did}.", "You {did}, which is why {it} is here.",
                "{It} is suggested since you {did}."],
        "two": ["You {did} and {did2}, so we chose {it}.",
                "Because you {did} and {did2}, {it} came up for you."],
    },
    "zh": {
        "one": ["你{did}，所以为你选了{it}。", "因为你{did}，{it}被推荐给你。",
                "由于你{did}，我们挑了{it}。"],
        "two": ["你{did}，还{did2}，所以为你选了{it}。", "因为你{did}，也{did2}，{it}被推荐给你。"],
    },
}

#: a lead that names the item and claims nothing
LEADS = {
    "en": ["Our suggestion: {it}.", "Next up for you: {it}.", "You might want to look at {it}.",
           "Here is {it}, chosen for you."],
    "zh": ["给你的建议：{it}。", "可以看看{it}。", "这次为你选了{it}。", "{it}或许适合你。"],
}

# --- faithful paraphrases: the other facts ------------------------------------------------------
FEATURE = {
    "en": {
        "category": ["Like {n} of your {items}, {it} is {noun_a}.",
                     "{It} is {noun_a}, as are {n} of your {items}."],
        "tag": ["{n} of your {items} carry the tag \u201c{value}\u201d, and so does {it}.",
                "{It} also has the tag \u201c{value}\u201d, as do {n} of your {items}."],
        "tag_adjective": ["{It} is {value}, like {n} of your {items}.",
                          "Like {n} of your {items}, {it} is {value}."],
        "brand": ["{It} is made by {value}, the brand of {n} of your {items}.",
                  "{value} makes {it}, and {n} of your {items} as well."],
        "genre": ["Like {n} of your {items}, {it} is in the {value} genre.",
                  "{It} belongs to the genre \u201c{value}\u201d, as do {n} of your {items}."],
    },
    "zh": {
        "category": ["和你的{n}{items}一样，{it}也属于{value}。",
                     "{it}属于{value}类，你的{n}{items}也是。"],
        "tag": ["你的{n}{items}带有\u201c{value}\u201d标签，{it}也是。",
                "{it}同样有\u201c{value}\u201d标签，你的{n}{items}也有。"],
        "tag_adjective": ["{it}和你的{n}{items}一样{value}。"],
        "brand": ["{it}出自{value}，你的{n}{items}也是这个品牌。",
                  "{it}是{value}的产品，和你的{n}{items}同一品牌。"],
        "genre": ["{it}属于\u201c{value}\u201d类型，你的{n}{items}也是。",
                  "和你的{n}{items}一样，{it}是\u201c{value}\u201d类型。"],
    },
}
#: the count "1" is worded, like the template does ("one of your items")
ONE = {"en": "one", "zh": "一"}
ITEMS = {"en": {"ecommerce": "items", "movies": "films"},
         "zh": {"ecommerce": "件商品", "movies": "部电影"}}
COHORT = {
    "en": ["Of {anchor_count} people who {verb} {A}, {co_count} also {verb} {it}.",
           "{co_count} of the {anchor_count} people who {verb} {A} also {verb} {it}.",
           "{share}% of the {anchor_count} people who {verb} {A} also {verb} {it}."],
    "zh": ["{verb}{A}的{anchor_count}人里，有{co_count}人也{verb}{it}。",
           "在{anchor_count}位{verb}{A}的用户中，{share}%也{verb}{it}。"],
}
PEOPLE_VERB = {"en": {"ecommerce": "bought or viewed", "movies": "watched"},
               "zh": {"ecommerce": "买过或看过", "movies": "看过"}}
QUALITY_POPULAR = {
    "en": ["{n_people} people have {verb} {it}.", "{It} has been {verb} by {n_people} people."],
    "zh": ["共有{n_people}人{verb}{it}。", "{it}已被{n_people}人{verb}。"],
}
QUALITY_RATED = {
    "en": ["On average, {n_ratings} people rated {it} {mean} out of {scale}.",
           "{It} has an average rating of {mean}/{scale} from {n_ratings} people."],
    "zh": ["{n_ratings}位用户给{it}的平均分是{mean}分（满分{scale}分）。",
           "{it}的平均评分是{mean}/{scale}，来自{n_ratings}人。"],
}
TREND = {
    "en": ["Over the last {days} days, {it} has been in the top {rank} of {category}.",
           "In {category}, {it} ranks number {rank} over the past {days} days."],
    "zh": ["最近{days}天，{it}在{category}里排第{rank}名。",
           "近{days}天里，{it}是{category}的第{rank}名。"],
}
#: English noun phrases for the demo's categories ("a running shoe"), and tags that read as
#: adjectives ("it is waterproof")
CATEGORY_NOUNS = {
    "running shoes": ("a running shoe", "running shoe"),
    "coffee & tea": ("a coffee and tea product", "coffee or tea"),
    "headphones": ("a pair of headphones", "pair of headphones"),
    "books": ("a book", "book"),
    "kitchen": ("a kitchen item", "kitchen tool"),
    "camping": ("camping gear", "piece of camping gear"),
    "skincare": ("a skincare product", "skincare product"),
    "board games": ("a board game", "board game"),
    "yoga & fitness": ("yoga and fitness gear", "piece of fitness gear"),
    "home office": ("a home office item", "home office item"),
}
ADJECTIVE_TAGS = {
    "en": {"waterproof", "lightweight", "cushioned", "breathable", "wide-fit", "reflective",
           "organic", "decaf", "fair-trade", "wireless", "noise-cancelling", "foldable",
           "illustrated", "translated", "award-winning", "nonstick", "dishwasher-safe",
           "eco-friendly", "compact", "induction-ready", "stainless-steel", "four-season",
           "rechargeable", "durable", "fragrance-free", "vegan", "hydrating", "cooperative",
           "non-slip", "extra-thick", "ergonomic", "adjustable", "quiet"},
    "zh": {"防水", "轻量", "透气", "反光", "有机", "无线", "可折叠", "环保", "小巧", "可充电",
           "耐用", "无香精", "保湿", "防滑", "加厚", "可调节", "静音", "平价", "高端", "不粘",
           "可机洗"},
}

# --- false: the event swapped -------------------------------------------------------------------
#: keyed by what the fact really is; every phrase states an event the facts do not record
FALSE_EVENT = {
    "en": {
        # a click, view or cart: never a purchase
        "weak": ["bought {A}", "purchased {A}", "ordered {A}"],
        # a purchase: the person did more than look
        "purchase": ["only looked at {A}", "only viewed {A}", "just clicked on {A}"],
        # a film's rating: MovieLens records no purchases or watch lists
        "rating_movies": ["bought {A}", "added {A} to your watchlist"],
        # a product's rating (a review): not a mere look
        "rating": ["only looked at {A}", "just clicked on {A}", "only added {A} to your wishlist"],
    },
    "zh": {
        "weak": ["购买过{A}", "下单买了{A}"],
        "purchase": ["只浏览过{A}", "只点击过{A}"],
        "rating_movies": ["购买过{A}", "把{A}加入了想看清单"],
        "rating": ["只浏览过{A}", "只点击过{A}", "只把{A}加入了心愿单"],
    },
}

# --- false: sentiment ---------------------------------------------------------------------------
#: for an item rated 3 or lower, or only clicked / viewed / put in the cart
LOVED = {
    "en": ["loved {A}", "really enjoyed {A}", "were a big fan of {A}"],
    "zh": ["非常喜欢{A}", "特别钟爱{A}", "对{A}爱不释手"],
}
LOVED_SENTENCES = {
    "en": ["You loved {A}.", "You really enjoyed {A}.", "You were a big fan of {A}."],
    "zh": ["你非常喜欢{A}。", "你特别钟爱{A}。", "你对{A}爱不释手。"],
}
#: no fact ever says any of these ("hated" / "disliked" only for items not rated 2 or lower)
RETURNED = {"en": ["returned {A}"], "zh": ["退货了{A}"]}
HATED = {"en": ["hated {A}", "disliked {A}"], "zh": ["很讨厌{A}", "不喜欢{A}"]}
NEGATIVE_SENTENCES = {
    "en": ["You returned {A}.", "You hated {A}.", "You disliked {A}."],
    "zh": ["你退货了{A}。", "你很讨厌{A}。", "你不喜欢{A}。"],
}

# --- false: comparisons and rankings ------------------------------------------------------------
COMPARISON = {
    "en": ["{It} is the best {noun} you can buy.", "{It} is cheaper than {A}.",
           "{It} is more popular than {A}.", "{It} is the most reliable {noun} we sell.",
           "No other {noun} sells better than {it}.", "{It} is better value than {A}.",
           "{It} is the top choice among all {nouns}."],
    "zh": ["{it}是最好的{noun}。", "{it}比{A}更便宜。", "{it}比{A}更受欢迎。",
           "{it}是{noun}里最畅销的一款。", "{it}的性价比比同类商品都高。",
           "在所有{noun}中，{it}是首选。", "{it}比{A}质量好得多。"],
}
#: "top" and "most popular" are what a trend fact may say: not used when one is present
TREND_WORDS = ("top", "popular", "sells better", "最畅销", "首选", "受欢迎")

# --- false: a rating of the item with no rating fact ---------------------------------------------
ITEM_RATING = {
    "en": ["{It} is highly rated by {people}.", "{People} rate {it} very highly.",
           "{It} gets excellent reviews from {people}.", "Reviewers give {it} top marks."],
    "zh": ["{it}深受{people}好评。", "{people}给{it}的评分很高。", "{it}的口碑很好，评价很高。",
           "很多{people}都给了{it}好评。"],
}

# --- false: attributes and uses no fact states -------------------------------------------------
#: (English, Chinese, key stems)
ATTRIBUTES: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "running shoes": [
        ("{It} has a carbon plate and extra cushioning.", "{it}带碳板，还有额外的缓震。",
         ("carbon", "cushion", "碳板", "缓震")),
        ("{It} has a Gore-Tex membrane.", "{it}采用了Gore-Tex薄膜。", ("gore", "membrane")),
        ("{It} has a Vibram outsole.", "{it}配有Vibram大底。", ("vibram", "outsole", "大底")),
        ("{It} is made of recycled ocean plastic.", "{it}由回收的海洋塑料制成。",
         ("recycl", "plastic", "回收")),
        ("{It} has a GPS sensor built into the sole.", "{it}的鞋底内置了GPS传感器。",
         ("gps", "sensor", "传感器")),
    ],
    "coffee & tea": [
        ("{It} has notes of dark chocolate and cherry.", "{it}带有黑巧克力和樱桃的风味。",
         ("chocolate", "cherry", "巧克力", "樱桃")),
        ("{It} is grown on a single estate in Kenya.", "{it}产自肯尼亚的一个庄园。",
         ("kenya", "estate", "single", "肯尼亚", "庄园", "单一产地")),
        ("{It} contains no caffeine at all.", "{it}完全不含咖啡因。",
         ("caffeine", "decaf", "咖啡因", "低因")),
        ("{It} comes in a reusable glass jar.", "{it}装在可重复使用的玻璃罐里。",
         ("glass", "jar", "reusable", "玻璃")),
    ],
    "headphones": [
        ("{It} has active noise cancelling.", "{it}支持主动降噪。", ("noise", "降噪")),
        ("{It} supports spatial audio with head tracking.", "{it}支持带头部追踪的空间音频。",
         ("spatial", "tracking", "空间音频")),
        ("{It} is sweat-proof for the gym.", "{it}防汗，适合健身房使用。",
         ("sweat", "waterproof", "gym", "防汗", "防水")),
        ("{Its} battery lasts a whole week on one charge.", "{it}充一次电能用一整周。",
         ("battery", "charge", "续航", "充电")),
    ],
    "books": [
        ("{It} won the Booker Prize.", "{it}获得过布克奖。", ("booker", "prize", "award", "获奖")),
        ("{It} is the first book of a trilogy.", "{it}是三部曲的第一部。",
         ("trilogy", "三部曲")),
        ("{It} is signed by the author.", "{it}有作者的亲笔签名。", ("signed", "签名")),
        ("{It} has a foreword by a famous chef.", "{it}有一位名厨写的序言。",
         ("foreword", "chef", "序言", "厨")),
    ],
    "kitchen": [
        ("{It} is oven-safe at any temperature.", "{it}在任何温度下都能进烤箱。",
         ("oven", "烤箱")),
        ("{It} comes with a lifetime warranty.", "{it}提供终身保修。", ("warranty", "保修")),
        ("{It} is made in Italy.", "{it}是意大利制造的。", ("italy", "意大利")),
        ("{It} has a built-in digital thermometer.", "{it}内置数字温度计。",
         ("thermometer", "digital", "温度计")),
    ],
    "camping": [
        ("{It} keeps you warm far below freezing.", "{it}在远低于冰点的气温下也能保暖。",
         ("warm", "freez", "保暖", "冰点", "four-season", "四季")),
        ("{It} is made of ultralight Dyneema fabric.", "{it}用超轻的Dyneema面料制成。",
         ("dyneema", "ultralight", "fabric", "超轻", "面料")),
        ("{It} sets up in under a minute.", "{it}不到一分钟就能搭好。",
         ("minute", "set up", "sets up", "分钟")),
        ("{It} has a built-in solar charger.", "{it}内置太阳能充电器。",
         ("solar", "charger", "太阳能", "rechargeable")),
    ],
    "skincare": [
        ("{It} is dermatologist-tested and hypoallergenic.", "{it}经过皮肤科医生测试，低致敏。",
         ("dermatolog", "hypoallergenic", "皮肤科", "致敏", "sensitive")),
        ("{It} contains retinol.", "{it}含有视黄醇。", ("retinol", "视黄醇")),
        ("{It} contains vitamin C to brighten the skin.", "{it}含维生素C，能提亮肤色。",
         ("vitamin", "brighten", "维生素", "提亮")),
    ],
    "board games": [
        ("{It} won the Spiel des Jahres.", "{it}获得过德国年度游戏奖。",
         ("spiel", "award", "获奖", "年度游戏")),
        ("{It} supports up to eight players.", "{it}最多支持八名玩家。",
         ("player", "玩家", "双人")),
        ("{It} comes with a free expansion pack.", "{it}附赠一个扩展包。",
         ("expansion", "扩展")),
    ],
    "yoga & fitness": [
        ("{It} is made of natural cork.", "{it}由天然软木制成。", ("cork", "软木")),
        ("{It} comes with a carrying strap.", "{it}附带一根背带。", ("strap", "背带")),
        ("{It} has alignment lines printed on it.", "{it}上面印有体式对齐线。",
         ("alignment", "对齐")),
    ],
    "home office": [
        ("{It} has a built-in wireless charger.", "{it}内置无线充电器。",
         ("charger", "wireless", "充电", "无线")),
        ("{It} comes with a lifetime warranty.", "{it}提供终身保修。", ("warranty", "保修")),
        ("{It} is made of solid oak.", "{it}由实心橡木制成。", ("oak", "橡木", "wood")),
    ],
    "movies": [
        ("{It} won several Academy Awards.", "{it}获得过多项奥斯卡奖。",
         ("academy", "award", "oscar", "奥斯卡")),
        ("{It} was shot entirely in black and white.", "{it}全片以黑白拍摄。",
         ("black and white", "黑白")),
        ("{It} is based on a true story.", "{it}改编自真实故事。",
         ("true story", "based on", "真实", "biograph", "documentary")),
        ("{It} has a twist ending nobody sees coming.", "{it}有一个谁也想不到的反转结局。",
         ("twist", "反转")),
        ("{It} was filmed in Iceland.", "{it}是在冰岛拍摄的。", ("iceland", "冰岛")),
    ],
    "instruments": [
        ("{It} is made of solid brass.", "{it}由实心黄铜制成。", ("brass", "黄铜")),
        ("{It} comes with a lifetime warranty.", "{it}提供终身保修。", ("warranty", "保修")),
        ("{It} is hand-made in Japan.", "{it}是日本手工制作的。",
         ("japan", "hand-made", "handmade", "日本", "手工")),
        ("{It} is used by professional touring musicians.", "{it}被职业巡演乐手使用。",
         ("professional", "touring", "pro ", "职业")),
        ("{It} works without any batteries.", "{it}不需要任何电池。", ("batter", "电池")),
    ],
    "venues": [
        ("{It} offers free valet parking.", "", ("valet", "parking")),
        ("{It} is open around the clock.", "", ("clock", "24", "late", "hours")),
        ("{It} has a rooftop terrace with live jazz.", "", ("rooftop", "terrace", "jazz", "live")),
        ("{Its} kitchen is completely gluten-free.", "", ("gluten", "kitchen")),
        ("{It} is dog-friendly.", "", ("dog", "pet")),
        ("{It} has a play area for kids.", "", ("kid", "child", "play", "famil")),
    ],
}
#: a use or plan no fact mentions
PLANS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "running shoes": [
        ("{It} is perfect for your marathon training next month.",
         "{it}很适合你下个月的马拉松训练。", ("marathon", "马拉松")),
        ("{It} is ideal for the ultramarathon you signed up for.",
         "{it}非常适合你报名的超级马拉松。", ("ultra", "马拉松")),
    ],
    "coffee & tea": [
        ("{It} is just right for your office's morning meetings.",
         "{it}正适合你们办公室的晨会。", ("office", "meeting", "办公室")),
    ],
    "headphones": [
        ("{It} is perfect for your long flight next week.", "{it}很适合你下周的长途飞行。",
         ("flight", "travel", "飞行", "旅行")),
    ],
    "books": [
        ("{It} is a great read for your holiday next month.", "{it}很适合你下个月度假时读。",
         ("holiday", "vacation", "度假")),
    ],
    "kitchen": [
        ("{It} is ideal for the dinner party you are hosting.", "{it}很适合你要办的晚宴。",
         ("dinner", "party", "晚宴")),
    ],
    "camping": [
        ("{It} is perfect for your trip to Patagonia next month.",
         "{it}很适合你下个月去巴塔哥尼亚的旅行。", ("patagonia", "巴塔哥尼亚")),
    ],
    "skincare": [
        ("{It} will clear up your acne within a week.", "{it}一周内就能治好你的痘痘。",
         ("acne", "痘")),
    ],
    "board games": [
        ("{It} is perfect for your family reunion this weekend.",
         "{it}很适合你这个周末的家庭聚会。", ("reunion", "famil", "家庭", "聚会")),
    ],
    "yoga & fitness": [
        ("{It} is ideal for the yoga retreat you booked.", "{it}很适合你预订的瑜伽静修营。",
         ("retreat", "静修")),
    ],
    "home office": [
        ("{It} is perfect for the new job you start on Monday.", "{it}很适合你周一开始的新工作。",
         ("job", "monday", "工作")),
    ],
    "movies": [
        ("{It} is perfect for your movie night with friends this Friday.",
         "{it}很适合你这周五和朋友的电影之夜。", ("friday", "movie night", "周五")),
    ],
    "instruments": [
        ("{It} is ideal for your gig next weekend.", "{it}很适合你下周末的演出。",
         ("gig", "演出", "live")),
        ("{It} will help you pass your grade exam.", "{it}能帮你通过考级。",
         ("exam", "grade", "考级")),
    ],
    "venues": [
        ("{It} is perfect for your anniversary dinner next week.", "",
         ("anniversary", "纪念")),
        ("{It} is ideal for the birthday party you are planning.", "", ("birthday", "party")),
    ],
}

# --- false: words put in the person's mouth -----------------------------------------------------
STATED = {
    "en": ["You told us you are training for an ultramarathon.",
           "As you said, you are looking for something {value}.",
           "You mentioned that you prefer {brand} products.",
           "You said you need {it} before your trip next week.",
           "You asked us to show you more {nouns}."],
    "zh": ["你告诉过我们你在为超级马拉松做训练。", "正如你所说，你在找{value}的款式。",
           "你提到过你更喜欢{brand}的产品。", "你说过下周出行前需要{it}。",
           "你让我们多推荐一些{noun}。"],
}
STATED_VENUE = [
    "You told us you are planning a date night.",
    "As you said, you want somewhere quiet to work.",
    "You mentioned that you are new in town.",
]

# --- false: contact data and ids (today's checks) ----------------------------------------------
PII = {
    "en": ["Details at https://shop.example.com/p/{item_id}.",
           "Questions? Write to help@example-shop.com.",
           "Call +1 415 555 0136 to order {it}.", "See www.example-deals.net for more.",
           "Item code: {item_id}."],
    "zh": ["详情请访问 https://shop.example.cn/p/{item_id}。",
           "有疑问请发邮件至 kefu@shop.example.cn。", "订购热线：400-820-6655。",
           "更多信息见 www.example-deals.cn。", "商品编号：{item_id}。"],
}

# --- false: wrong or invented numbers for texts without numbers (free text) --------------------
INVENTED_NUMBERS = ["{It} is about 5 minutes from you.", "{It} has been open for 12 years.",
                    "{It} has over 300 reviews.", "{It} seats 80 people."]

# --- false: grammar -----------------------------------------------------------------------------
#: an English sentence cut after one of these words is plainly unfinished
CUT_AFTER_EN = ("who", "of", "the", "and", "because", "with", "like", "by", "in", "for", "to",
                "that", "than", "you")
#: a Chinese sentence cut after one of these is plainly unfinished
CUT_AFTER_ZH = ("的", "，", "和", "给", "把", "在", "因为你", "与", "也")

# --- xrec-dev: turning a profile into the "you" voice -----------------------------------------
#: words an explanation may add around the profile's own words (for the faithfulness self-check)
CONNECTIVES = {
    "you", "your", "are", "is", "likely", "to", "would", "we", "recommend", "because", "and",
    "also", "so", "it", "its", "suits", "should", "appeal", "a", "match", "for", "those", "who",
    "people", "this", "here", "why", "the", "of", "in", "with", "as", "well", "chose", "picked",
}

# --- xrec-dev: false claims about a place (the facts are its profiles) ------------------------
#: (sentence, key stems that would make it supported)
COMPARISON_VENUE = [
    ("{It} is the best place of its kind in the city.", ("best",)),
    ("{It} is cheaper than the other places nearby.", ("cheap", "afford", "budget", "price")),
    ("{It} is more popular than any other spot in the area.", ("popular",)),
    ("{It} is the top-ranked spot in town.", ("top", "rank")),
]
SENTIMENT_VENUE = ["You disliked your last visit to {it}.", "You hated the food at {it}.",
                   "You loved your last meal at {it}."]
TITLE_VENUE = ["{It} is run by the team behind {B}.", "Fans of {B} also go to {it}.",
               "{It} is much like {B}, which you reviewed."]
#: the negative sentences that only fit a shop ("returned")
RETURNED_SENTENCES = {"You returned {A}.", "你退货了{A}。"}
