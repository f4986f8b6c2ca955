"""The words claims are made of, per language: what the person did, how they felt, comparisons,
ratings of the item, things put in the person's mouth, and the explanation's own closed
vocabulary (connectives and stance words that state no fact).

English entries are regular expressions over normalised text (lower case, straight quotes);
Chinese ones match characters. Each list is closed on purpose: a word missing from the stance
list is checked as content (it must be backed by a fact), which is the safe direction.
"""

from __future__ import annotations

import re

#: event classes: what a verb says the person did
PURCHASE, CART, LOOK, RATE, CONSUME, LIKE = "purchase", "cart", "look", "rate", "consume", "like"
#: 看过 / "saw": looking at a product, or watching a film
SEE = "see"

#: a fact's event -> the verb classes that may word it. A rating implies the person had the
#: item (watched the film, read the article), never that they bought it; a click or a view is
#: looking, never buying; an unknown event ("weights") is only a liking.
EVENT_ALLOWS: dict[str | None, frozenset[str]] = {
    "purchase": frozenset({PURCHASE, LIKE, CONSUME}),
    "add_to_cart": frozenset({CART}),
    "cart": frozenset({CART}),
    "click": frozenset({LOOK, SEE}),
    "view": frozenset({LOOK, SEE}),
    "rating": frozenset({RATE, CONSUME, SEE}),
    "review": frozenset({RATE, CONSUME, SEE}),
    "watch": frozenset({CONSUME, LOOK, SEE}),
    "read": frozenset({CONSUME, LOOK, SEE}),
    "listen": frozenset({CONSUME}),
    "play": frozenset({CONSUME}),
    None: frozenset({LIKE, CONSUME, SEE}),
}

_EN_VERBS = {
    PURCHASE: r"bought|buy|buying|purchased|purchase|ordered|order(?:ing)?|paid for|picked up",
    CART: r"added|put|placed|saved|carted|basket(?:ed)?",
    LOOK: r"viewed|view(?:ing)?|looked at|look at|looking at|had a look at|clicked(?: on)?|"
          r"click(?:ing)?(?: on)?|browsed|checked out|opened|visited|explored|glanced at",
    RATE: r"rated|rate|rating|gave|give|scored|reviewed|review(?:ing)?|graded|awarded",
    CONSUME: r"watched|watch(?:ing)?|read|listened to|played|used|tried",
    SEE: r"saw|seen",
    LIKE: r"liked|loved|enjoyed|adored|appreciated|were a fan of|are a fan of|fell for|"
          r"were into|(?:really )?liked",
}
#: English verbs by class, longest alternatives first so "looked at" wins over "look"
EN_VERB_RE = re.compile(
    r"\b(?:" + "|".join(f"(?P<{cls}>{words})" for cls, words in _EN_VERBS.items()) + r")\b")

_ZH_VERBS = {
    PURCHASE: "购买|买过|买了|买下|下单|入手|订购|下过单",
    CART: "加入了购物车|加入购物车|放进了购物车|放进购物车|放入购物车|加购|加入",
    LOOK: "浏览过|浏览了|浏览|点击过|点击|点开过|点开|查看过|查看|逛过|看了看",
    RATE: "打了|打过|评了|评过|评分|打分|评价过|评价了|给出",
    CONSUME: "读过|读了|听过|听了|观看过|观看|玩过|用过|试过",
    SEE: "看过|看了",
    LIKE: "很喜欢|喜欢|喜爱|钟爱|热爱|爱看|很爱|青睐|满意",
}
ZH_VERB_RE = re.compile(
    "(?:" + "|".join(f"(?P<{cls}>{words})" for cls, words in _ZH_VERBS.items()) + ")")

#: "highly", 高分: a rating verb said to be high needs a high rating
EN_HIGH_RE = re.compile(r"\b(?:highly|high|top marks|full marks|glowing)\b")
ZH_HIGH_RE = re.compile("高分|很高|好评|满分|五星")
#: a rating at or above this (5-point scale) is a liking; "highly" needs it too
LIKED_RATING = 3.5

#: feelings no fact states (whyrec never words a dislike as a reason): always unsupported
#: unless a fact's own text says the same
EN_NEGATIVE_RE = re.compile(
    r"\b(?:hated|hate|disliked|dislike|didn't like|did not like|didn't enjoy|did not enjoy|"
    r"returned|regretted|regret|complained|gave up on|were disappointed|was disappointing|"
    r"disappointed|detested|can't stand|couldn't stand|awful|terrible|worst)\b")
ZH_NEGATIVE_RE = re.compile(
    "讨厌|不喜欢|不太喜欢|厌恶|退货|退了|退回|差评|不满意|失望|后悔|吐槽|受不了|反感")

#: comparisons and rankings: backed only when a fact's wording says the same
EN_COMPARISON_RE = re.compile(
    r"\b(?:best|better|finest|greatest|top-rated|top-ranked|top-notch|top|number one|no\. ?1|"
    r"#1|cheaper|cheapest|pricier|less expensive|more affordable|most|least|superior|"
    r"unbeatable|unmatched|unrivall?ed|leading|ultimate|ideal|perfect|perfectly|"
    r"more popular|less popular|higher quality|better value|outperforms?|beats|"
    r"better than|worse than|more than any|nothing beats|must-have|must have|must-try)\b")
ZH_COMPARISON_RE = re.compile(
    "最(?![近后初终])|更(?!新|换|多人)|比(?![例较如率])|第一|首选|顶级|性价比|超过|胜过|不如|之最|"
    "冠军|领先|一流|完美|无敌|必买|必备|必看|首屈一指|数一数二")

#: ratings of the item (not of the person's history items)
EN_RATING_RE = re.compile(
    r"\b(?:rated|rate|rates|rating|ratings|stars?|reviewed|reviews?|reviewers|acclaimed|well-reviewed|"
    r"five-star|5-star|praised|critics?|loved by|favou?rite of|beloved)\b")
ZH_RATING_RE = re.compile("评分|评价|好评|口碑|打分|星级|[四五]星|分数|得分|均分|平均分|赞誉|推崇")

#: statements put in the person's mouth
EN_STATED_RE = re.compile(
    r"\byou(?:'ve| have)? (?:told us|said|mentioned|asked(?: us)?(?: for| to)?|wanted|"
    r"want(?:ed)? to|need(?:ed)?|were looking for|are looking for|are planning|plan to|"
    r"are training|let us know|wrote|requested|shared)\b|\byour (?:plan|plans|request|goal|"
    r"trip|training|wish)\b")
ZH_STATED_RE = re.compile(
    "你(?:让|要|希望|请|叫)我们|你(?:曾)?(?:说过|说|告诉过?我们|告诉|提到过?|提过|要求过?|想要|需要|打算|计划|正在为|在为|表示过?)|"
    "你的(?:计划|需求|要求|目标)")

#: a past experience put in the person's mouth ("you had a great time"): a liking no fact
#: states unless the person liked something (a purchase, a high rating)
EN_EXPERIENCE_RE = re.compile(
    r"\b(?:you(?:'ve| have| really| truly)?|and) (?:had|enjoyed|loved) (?:a |an |such a )?"
    r"(?:\w+ ){0,2}"
    r"(?:time|experience|visit|meal|stay|evening|night|day)s?\b|\byou had fun\b|"
    r"\byour (?:last|previous|recent|earlier) (?:visit|stay|meal|trip|order)\b")
ZH_EXPERIENCE_RE = re.compile(
    "你(?:曾经|曾|上次|之前|以前)?(?:在[^，。]{0,12})?(?:玩得很开心|过得很愉快|度过了|体验过|去过|到过|来过)"
    "|你(?:上次|之前)的(?:体验|经历|光顾)")

#: who did it: a verb whose subject is other people ("people who bought X") is a cohort
#: statement, not a claim about the person
EN_PEOPLE_RE = re.compile(
    r"\b(?:people|others|other people|shoppers|customers|buyers|viewers|users|readers|"
    r"fans|those|listeners|members|everyone|who)\b")
ZH_PEOPLE_RE = re.compile("人|用户|买家|顾客|观众|读者|听众|大家|网友|粉丝|别人|其他")

# --- the explanation's own words ----------------------------------------------------------------
#: English words that state no fact of their own: function words, the explanation's connectives
#: and stance words, the words every fact's wording uses (share, like, people, items…)
_EN_CLOSED_WORDS = """
agree agrees agreed
a an the and or but nor so yet if then than as at by for from in into of off on onto out over to
up down with without within about after before since because while though although also too as
well even just only still already again ever often usually sometimes maybe perhaps probably
likely unlikely very really quite rather pretty much many more less few several some any all
both each every other another such same similar own lot lots plenty whole i me my mine we us our
ours you your yours yourself he him his she her it its itself they them their theirs this that
these those here there what which who whom whose when where why how is am are was were be been
being do does did done doing have has had having get gets got will would shall should can could
may might must ought not no yes none nothing something anything everything someone anyone
everyone recommend recommended recommending recommendation recommendations suggest suggested
suggestion suggestions pick picked picks chose chosen choose choice choices select selected
selection offer offers offering offered provide provides providing provided feature features
featuring reason reasons why came come comes coming next up now today here's there's it's that's
think thought hope hoped believe guess feel seem seems seemed look looks enjoy enjoys enjoyed
enjoying enjoyable enjoyment like likes liked liking love loves loved loving appreciate
appreciates appreciated appreciating appreciative prefer prefers preferred preference
preferences fan fans keen interest interested interests interesting want wants wanted wish taste
tastes style kind kinds type types sort sorts match matches matched matching fit fits fitting
fitted suit suits suited suitable close closely related relevant connected based along together
great good nice fine lovely solid worth worthwhile fun pleasant wonderful item items product
products thing things film films movie movies article articles piece pieces place places spot
spots business businesses option options experience experiences people person someone others
user users shopper shoppers customer customers buyer buyers viewer viewers reader readers share
shares shared sharing same alike common category categories genre genres tag tags tagged label
brand brands made make makes maker belong belongs belonging part bought buy purchase purchased
ordered order viewed view looked clicked click added add cart basket rated rate rating ratings
gave give given watched watch seen saw read listened played used tried had have average averages
on out total overall number numbers count percent per cent one ones first second day days week
weeks last past recent recently lately time times trending trend popular popularity rank ranks
ranked ranking among top back again new carry carries carried carrying bear bears pair pairs set
sets piece highly star stars put puts placed gear stuff selection appeal appeals appealing
enthusiast enthusiasts lover lovers seeking seek seeks looking individuals folks nearly almost
around roughly approximately about over plus besides moreover furthermore additionally told
"""
#: the event verbs, comparisons, feelings and rating words have checks of their own ("checked
#: out" a click, "the best"): they are not content words as well
EN_CLOSED = frozenset(_EN_CLOSED_WORDS.split()) | {
    word for pattern in (*_EN_VERBS.values(), EN_COMPARISON_RE.pattern, EN_NEGATIVE_RE.pattern,
                         EN_RATING_RE.pattern) for word in re.findall("[a-z]+", pattern)}

#: Chinese words (jieba segments) that state no fact of their own
_ZH_CLOSED_WORDS = """
的 了 过 着 和 与 及 以及 或 或者 也 还 又 并 并且 而 而且 但 但是 所以
因为 由于 因此 因而 于是 既然 如果 就 才 都 很 非常 更加 比较 挺 十分 特别
尤其 同样 一样 一样的 相同 相似 类似 相近 这 那 这个 那个 这些 那些 这件 这部
这篇 这款 此 其 它 它们 你 你的 您 我们 我们的 他们 他 她 是 为 在 有 没有
被 把 给 对 向 从 让 使 将 会 能 可以 可能 也许 或许 应该 想 要 来 去 到
上 下 中 里 内 之 之中 当中 其中 等 等等 呢 吧 啊 呀 哦 嗯 么 推荐 推荐给
为你 给你 挑选 挑 选 选了 选择 选中 选出 建议 看看 试试 试 瞧瞧 这次 接下来
下一个 理由 原因 所以为 于是 口味 喜好 偏好 兴趣 感兴趣 喜欢 喜爱 爱 享受 欣赏
期待 希望 相信 觉得 认为 适合 符合 契合 匹配 吻合 相关 关联 相符 接近 贴近
搭配 商品 产品 东西 物品 电影 影片 片子 文章 作品 内容 件 部 篇 款 个 位 名
次 种 类 类别 类型 品类 标签 品牌 出自 来自 属于 同属 同为 同一 都有 带有
也是 也有 一件 一部 一篇 人 用户 买家 顾客 其他 其他人 别人 大家 买 买过 看过
浏览过 点击过 购买 购买过 下单 加入 购物车 打 打了 打过 分 评 评了 评分 平均
平均分 满分 共 共有 已有 已 已经 目前 最近 近 天 排名 排 前 第 名 热门 之一
总共 一共 约 大约 左右 常常 经常 通常 往往 常 多 少 些 一些 许多 很多 不少
部分 也许 可能 应该 不错 好 很好 挺好 有趣 值得 值得一试 页面 高分 评价 分的
另外 此外 还有 祝 同 读 篇 过去 只 只是 正是 正 就是 告诉 告诉过 说过 提到 将近 大约 约 接近 左右 开
点开 还给 给了 星 满意 放进 放入 带 既 排名第 第 这种 这类 那种 一起 同时
以及
"""
ZH_CLOSED = frozenset(_ZH_CLOSED_WORDS.split()) | {
    word for pattern in (*_ZH_VERBS.values(), ZH_COMPARISON_RE.pattern, ZH_NEGATIVE_RE.pattern,
                         ZH_RATING_RE.pattern) for word in re.findall("[\u4e00-\u9fff]+", pattern)}

#: fractions a text may use for a share a fact states (per cent), within FRACTION_SLACK points
FRACTIONS = {"half": 50.0, "third": 33.3, "thirds": 66.7, "quarter": 25.0, "quarters": 75.0,
             "一半": 50.0, "半数": 50.0, "三分之一": 33.3, "三分之二": 66.7, "四分之一": 25.0,
             "四分之三": 75.0}
FRACTION_SLACK = 6.0
