/* whyrec web page: plain JavaScript, no build step, no external resources.
 *
 * Catalog text is untrusted: every piece of data reaches the page through textContent (the el()
 * helper below), never through innerHTML.
 */
"use strict";

(function () {
  const KEY_STORAGE = "whyrec.apiKey";
  const LANG_STORAGE = "whyrec.language";
  const USERS_LIMIT = 500;

  // --- UI strings ---------------------------------------------------------------------------
  const STRINGS = {
    en: {
      tagline: "Recommendations, and why",
      language: "Language",
      people: "People",
      searchLabel: "Find a person",
      searchPlaceholder: "Type an id, e.g. u0001",
      howMany: "Recommendations",
      emptyText: "Pick a person to see what we would recommend — and why.",
      loading: "Writing explanations and checking them against the evidence…",
      footer: "Every explanation is checked against the recommender’s own evidence before it is shown.",
      apiDocs: "API docs",
      dismiss: "Dismiss",
      keyTitle: "This service needs an API key",
      keyLabel: "API key",
      keySave: "Use key",
      keyHint: "Kept in this browser tab only (session storage) and sent as “Authorization: Bearer …”.",
      keyAsk: "Paste an API key to continue (create one with “whyrec keys create NAME”).",
      keyRejected: "That key was not accepted: ",
      resetPrefs: "Forget my explanation preferences",
      usersShown: (shown, total) => `${shown} of ${total} people listed — type any id and press Enter`,
      usersAll: (total) => `${total} people`,
      noMatch: "No one matches; press Enter to open this id anyway",
      forUser: (u) => `For ${u}`,
      nRecs: (n) => (n === 1 ? "1 recommendation" : `${n} recommendations`),
      noRecs: "No recommendations for this person.",
      langName: { en: "English", zh: "Chinese" },
      prefersLang: (l) => `prefers ${l}`,
      rank: (r) => `#${r}`,
      verified: "✓ Checked against the evidence",
      unverified: "⚠ Not every word is backed by the evidence",
      fallback: "Template text",
      fallbackTip: (why) => `The simple template text was used${why ? ": " + why : ""}`,
      degraded: "Language model unavailable — template texts",
      degradedCard: "Model unavailable",
      cached: "cached",
      coldStart: "new for you",
      noExplanation: "No explanation for this item.",
      evidence: (n) => (n === 1 ? "Evidence (1 fact)" : `Evidence (${n} facts)`),
      cited: "cited",
      feedbackLabel: "Was this explanation useful?",
      fb: {
        helpful: "✓ Helpful", not_helpful: "✗ Not helpful", too_long: "Too long",
        too_short: "Too short", too_technical: "Too technical", not_like_this: "Not like this",
      },
      dontMention: "Don’t mention…",
      aspects: {
        history: "my history", features: "shared features", others: "other people",
        ratings: "ratings", trends: "trends", price: "price",
      },
      sending: "Sending…",
      updating: "Thanks! Updating the explanation…",
      updated: "Updated to your feedback.",
      unchanged: "Thanks — noted. This explanation stays the same.",
      dismissed: "Thanks — we will show fewer items like this.",
      chatSummary: "Ask about this",
      chatPlaceholder: "Why? Why not …?",
      chatSend: "Ask",
      why: "Why?",
      whyNot: (t) => `Why not ${t}?`,
      you: "You",
      thinking: "Thinking…",
      error: "Something went wrong",
      networkError: "The service cannot be reached. Is it running?",
      badResponse: "The service sent a reply the page cannot read.",
      status: { 400: "Bad request", 401: "API key needed", 403: "Not allowed", 404: "Not found",
                413: "Too large", 422: "Invalid request", 429: "Too many requests",
                500: "Server error", 503: "Unavailable" },
      health: { none: "template texts", ok: "language model on", down: "language model down" },
      // evidence facts, in words
      ev: {
        historyDid: { purchase: "You bought", add_to_cart: "You added to your cart", click: "You looked at",
                      view: "You viewed", rating: "You rated", default: "In your history:" },
        share: (p) => `${p} of the score`,
        lowered: (p) => `lowered the score by ${p}`,
        yourRating: (r) => `your rating ${r}`,
        otherHistory: (n, effect) => `${n} other item${n === 1 ? "" : "s"} in your history — ${effect}`,
        feature: { category: "category", tag: "tag", brand: "brand", genre: "genre" },
        shared: (f, v, n) => `Same ${f} “${v}” as ${n} of your items`,
        cohort: (about, co, all, anchor, p) =>
          `${about}${co} of ${all} people who chose “${anchor}” also chose this (${p})`,
        about: "about ",
        quality: (n) => `${n} people chose it`,
        meanRating: (m, s, k) => `average rating ${m}${s ? "/" + s : ""} from ${k} ratings`,
        trend: (rank, cat, days, k) => `#${rank} in ${cat} over the last ${days} days (${k} recent)`,
        preference: (s) => `You told us: ${s}`,
        note: (s) => `Note: ${s}`,
      },
      notesMap: null, // English notes come from the service as they are
    },
    zh: {
      tagline: "推荐，以及理由",
      language: "语言",
      people: "用户",
      searchLabel: "查找用户",
      searchPlaceholder: "输入用户编号，如 u0001",
      howMany: "推荐数量",
      emptyText: "选择一位用户，看看我们会推荐什么，以及为什么。",
      loading: "正在撰写推荐理由，并与证据逐条核对…",
      footer: "每条推荐理由在展示前都会与推荐系统自身的证据核对。",
      apiDocs: "API 文档",
      dismiss: "关闭",
      keyTitle: "此服务需要 API 密钥",
      keyLabel: "API 密钥",
      keySave: "使用密钥",
      keyHint: "仅保存在当前浏览器标签页（会话存储），以 “Authorization: Bearer …” 发送。",
      keyAsk: "请粘贴 API 密钥以继续（可用 “whyrec keys create NAME” 创建）。",
      keyRejected: "密钥未被接受：",
      resetPrefs: "清除我的推荐理由偏好",
      usersShown: (shown, total) => `已列出 ${shown} / ${total} 位用户，输入任意编号后按回车`,
      usersAll: (total) => `共 ${total} 位用户`,
      noMatch: "没有匹配的用户；按回车直接打开该编号",
      forUser: (u) => `为 ${u} 推荐`,
      nRecs: (n) => `${n} 条推荐`,
      noRecs: "这位用户暂无推荐。",
      langName: { en: "英文", zh: "中文" },
      prefersLang: (l) => `偏好${l}`,
      rank: (r) => `第 ${r} 名`,
      verified: "✓ 已与证据核对",
      unverified: "⚠ 部分内容未得到证据支持",
      fallback: "模板文本",
      fallbackTip: (why) => `使用了简单的模板文本${why ? "：" + why : ""}`,
      degraded: "语言模型暂不可用——显示模板文本",
      degradedCard: "模型不可用",
      cached: "缓存",
      coldStart: "新用户",
      noExplanation: "此商品暂无推荐理由。",
      evidence: (n) => `证据（${n} 条）`,
      cited: "已引用",
      feedbackLabel: "这条理由有帮助吗？",
      fb: {
        helpful: "✓ 有帮助", not_helpful: "✗ 没帮助", too_long: "太长了",
        too_short: "太短了", too_technical: "太专业了", not_like_this: "不要这类推荐",
      },
      dontMention: "不要提及…",
      aspects: {
        history: "我的记录", features: "共同特征", others: "其他人",
        ratings: "评分", trends: "趋势", price: "价格",
      },
      sending: "正在发送…",
      updating: "谢谢！正在更新推荐理由…",
      updated: "已根据你的反馈更新。",
      unchanged: "谢谢，已记录。这条理由保持不变。",
      dismissed: "谢谢，我们会少推荐这类商品。",
      chatSummary: "就此提问",
      chatPlaceholder: "为什么？为什么不是…？",
      chatSend: "提问",
      why: "为什么推荐这个？",
      whyNot: (t) => `为什么不是《${t}》？`,
      you: "你",
      thinking: "正在思考…",
      error: "出错了",
      networkError: "无法连接到服务，它在运行吗？",
      badResponse: "服务返回了页面无法读取的内容。",
      status: { 400: "请求有误", 401: "需要 API 密钥", 403: "没有权限", 404: "未找到",
                413: "内容过大", 422: "请求无效", 429: "请求过于频繁",
                500: "服务器错误", 503: "服务不可用" },
      health: { none: "模板文本", ok: "语言模型在线", down: "语言模型离线" },
      ev: {
        historyDid: { purchase: "你购买过", add_to_cart: "你加入购物车的", click: "你点击过",
                      view: "你浏览过", rating: "你评价过", default: "你的记录：" },
        share: (p) => `占推荐分数的 ${p}`,
        lowered: (p) => `使分数降低 ${p}`,
        yourRating: (r) => `你的评分 ${r}`,
        otherHistory: (n, effect) => `你记录中的另外 ${n} 件商品，${effect}`,
        feature: { category: "类别", tag: "标签", brand: "品牌", genre: "类型" },
        shared: (f, v, n) => `与你的 ${n} 件商品同属${f}“${v}”`,
        cohort: (about, co, all, anchor, p) =>
          `选择《${anchor}》的 ${all} 人中，${about}${co} 人也选择了它（${p}）`,
        about: "约 ",
        quality: (n) => `${n} 人选择过它`,
        meanRating: (m, s, k) => `${k} 条评分，平均 ${m}${s ? "/" + s : ""}`,
        trend: (rank, cat, days, k) => `近 ${days} 天在“${cat}”中排名第 ${rank}（近期 ${k} 次）`,
        preference: (s) => `你告诉过我们：${s}`,
        note: (s) => `备注：${s}`,
      },
      notesMap: [
        [/^shorter, as you asked$/, () => "按你的要求更简短"],
        [/^more detail, as you asked$/, () => "按你的要求更详细"],
        [/^plainer wording, as you asked$/, () => "按你的要求用词更通俗"],
        [/^leads with (.+)$/, (m) => `先讲${zhWords(m[1])}`],
        [/^leaves out (.+)$/, (m) => `不再提${zhWords(m[1])}`],
        [/^less about (.+)$/, (m) => `少讲${zhWords(m[1])}`],
        [/^in Chinese, as you asked$/, () => "按你的要求用中文"],
        [/^in English, as you asked$/, () => "按你的要求用英文"],
        [/^fewer items like the (\d+) you turned down$/,
          (m) => `少推荐与你拒绝的 ${m[1]} 件商品类似的内容`],
      ],
    },
  };
  const ZH_WORDS = {
    "your own history": "你自己的记录", "shared features": "共同特征",
    "what other people did": "其他人的选择", "ratings": "评分", "trends": "趋势",
    "what you told us": "你告诉我们的内容", "notes": "备注", "history": "你的记录",
    "features": "共同特征", "others": "其他人", "preferences": "你的偏好", "price": "价格",
  };
  function zhWords(text) {
    return text.split(/,\s*/).map((w) => ZH_WORDS[w] || w).join("、");
  }

  const FEEDBACK_KINDS = ["helpful", "not_helpful", "too_long", "too_short", "too_technical",
    "not_like_this"];
  const ASPECTS = ["history", "features", "others", "ratings", "trends", "price"];

  // --- state --------------------------------------------------------------------------------
  const state = {
    lang: initialLanguage(),
    users: [],
    total: 0,
    userId: null,
    n: 5,
    recs: [],
    nearMisses: [], // the next items down the list: what "Why not …?" asks about
    degraded: false,
    notes: [],
    generation: 0, // bumps on every recommendations load: stale replies are dropped
    health: null,
  };

  function initialLanguage() {
    let saved = null;
    try { saved = localStorage.getItem(LANG_STORAGE); } catch (e) { saved = null; }
    if (saved === "en" || saved === "zh") return saved;
    return (navigator.language || "").toLowerCase().startsWith("zh") ? "zh" : "en";
  }

  function t(key) { return STRINGS[state.lang][key]; }

  function apiKey() {
    try { return sessionStorage.getItem(KEY_STORAGE) || ""; } catch (e) { return ""; }
  }

  function setApiKey(value) {
    try {
      if (value) sessionStorage.setItem(KEY_STORAGE, value);
      else sessionStorage.removeItem(KEY_STORAGE);
    } catch (e) { /* storage off: the key lives for this page only */ }
    memoryKey = value;
  }
  let memoryKey = "";

  // --- DOM helpers --------------------------------------------------------------------------
  const $ = (id) => document.getElementById(id);

  /** An element with attributes and children; strings become text nodes (never HTML). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = String(value);
      else if (name === "className") node.className = value;
      else if (name === "testid") node.setAttribute("data-testid", value);
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function percent(x) {
    const p = Math.abs(x) * 100;
    if (p > 0 && p < 1) return "<1%";
    return `${Math.round(p)}%`;
  }

  function num(x, digits) {
    return Number(x).toLocaleString(state.lang === "zh" ? "zh-CN" : "en",
      { maximumFractionDigits: digits === undefined ? 1 : digits });
  }

  // --- API ----------------------------------------------------------------------------------
  class ApiProblem extends Error {
    constructor(status, code, message, details) {
      super(message);
      this.status = status;
      this.code = code;
      this.details = details || [];
    }
  }

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const key = apiKey() || memoryKey;
    if (key) headers.Authorization = `Bearer ${key}`;
    let response;
    try {
      response = await fetch(path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
      });
    } catch (e) {
      throw new ApiProblem(0, "network", t("networkError"));
    }
    const raw = await response.text();
    let data = null;
    try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
    if (!response.ok) {
      const err = (data && typeof data.error === "object" && data.error) || {};
      const problem = new ApiProblem(response.status, String(err.code || "http_error"),
        String(err.message || `${response.status} ${response.statusText}`),
        Array.isArray(err.details) ? err.details : []);
      if (response.status === 401) askForKey(problem, Boolean(key));
      throw problem;
    }
    if (data === null || typeof data !== "object") {
      throw new ApiProblem(response.status, "bad_response", t("badResponse"));
    }
    return data;
  }

  function problemText(problem) {
    if (problem instanceof ApiProblem) return problem.message;
    return String((problem && problem.message) || problem);
  }

  function problemTitle(problem) {
    const names = t("status");
    if (problem instanceof ApiProblem && problem.status) {
      return `${names[problem.status] || t("error")} (${problem.status})`;
    }
    return t("error");
  }

  function showError(problem) {
    if (problem instanceof ApiProblem && problem.status === 401) return; // the key panel asks
    $("error-title").textContent = problemTitle(problem);
    $("error-message").textContent = problemText(problem);
    const list = $("error-details");
    list.replaceChildren();
    const details = problem instanceof ApiProblem ? problem.details : [];
    for (const d of details.slice(1, 6)) {
      if (d && typeof d === "object") {
        list.append(el("li", { text: `${d.where || ""}: ${d.problem || JSON.stringify(d)}` }));
      }
    }
    $("error").hidden = false;
  }

  function clearError() { $("error").hidden = true; }

  // --- API keys -----------------------------------------------------------------------------
  function askForKey(problem, hadKey) {
    if (hadKey) setApiKey("");
    $("key-message").textContent = hadKey ? t("keyRejected") + problem.message : t("keyAsk");
    $("key-message").dataset.message = problem.message;
    $("key-panel").hidden = false;
    clearError();
    $("key-input").focus();
  }

  function onKeySubmit(event) {
    event.preventDefault();
    const value = $("key-input").value.trim();
    if (!value) { $("key-input").focus(); return; }
    setApiKey(value);
    $("key-input").value = "";
    $("key-panel").hidden = true;
    start();
  }

  // --- health -------------------------------------------------------------------------------
  async function loadHealth() {
    try {
      const response = await fetch("/healthz", { cache: "no-store" });
      state.health = await response.json();
    } catch (e) {
      state.health = null;
    }
    renderHealth();
  }

  function renderHealth() {
    const node = $("health");
    const h = state.health;
    if (!h || !h.llm) { node.hidden = true; return; }
    node.textContent = t("health")[h.llm] || h.llm;
    node.className = `health ${h.llm === "down" ? "warn" : h.llm === "ok" ? "ok" : ""}`;
    node.hidden = false;
  }

  // --- people -------------------------------------------------------------------------------
  async function loadUsers() {
    const data = await api("GET", `/v1/users?limit=${USERS_LIMIT}`);
    state.users = Array.isArray(data.users) ? data.users : [];
    state.total = Number(data.total) || state.users.length;
    renderUsers();
  }

  function userLabel(user) {
    const lang = t("langName")[user.language] || user.language;
    return `${user.id} · ${lang}`;
  }

  function renderUsers() {
    const select = $("user-select");
    const needle = $("user-search").value.trim().toLowerCase();
    const shown = state.users.filter((u) => !needle || String(u.id).toLowerCase().includes(needle));
    select.replaceChildren(...shown.map((u) => el("option", {
      value: u.id, text: userLabel(u), selected: u.id === state.userId,
    })));
    const count = $("user-count");
    if (needle && shown.length === 0) count.textContent = t("noMatch");
    else if (state.users.length < state.total) {
      count.textContent = t("usersShown")(state.users.length, state.total);
    } else count.textContent = t("usersAll")(state.total);
  }

  function pickUser(id) {
    id = String(id || "").trim();
    if (!id) return;
    state.userId = id;
    if (location.hash !== `#user=${encodeURIComponent(id)}`) {
      history.replaceState(null, "", `#user=${encodeURIComponent(id)}`);
    }
    renderUsers();
    loadRecommendations();
  }

  // --- recommendations ----------------------------------------------------------------------
  async function loadRecommendations() {
    if (!state.userId) return;
    const generation = ++state.generation;
    clearError();
    $("empty").hidden = true;
    $("loading").hidden = false;
    $("results").setAttribute("aria-busy", "true");
    $("cards").replaceChildren();
    $("results-head").hidden = true;
    const path = `/v1/users/${encodeURIComponent(state.userId)}/recommendations` +
      `?n=${state.n}&explain=true&language=${state.lang}`;
    try {
      const data = await api("GET", path);
      if (generation !== state.generation) return;
      state.recs = Array.isArray(data.recommendations) ? data.recommendations : [];
      state.degraded = Boolean(data.degraded);
      state.notes = Array.isArray(data.preferences) ? data.preferences : [];
      state.nearMisses = await nearMisses(generation);
      if (generation !== state.generation) return;
      renderResults();
    } catch (problem) {
      if (generation !== state.generation) return;
      state.recs = [];
      showError(problem);
      $("empty").hidden = false;
    } finally {
      if (generation === state.generation) {
        $("loading").hidden = true;
        $("results").setAttribute("aria-busy", "false");
      }
    }
  }

  // "Why not …?" asks about items that were *not* recommended: the next ones down the list
  // (cheap: no explanations), so the answer can say how far down and why
  async function nearMisses(generation) {
    const path = `/v1/users/${encodeURIComponent(state.userId)}/recommendations` +
      `?n=${state.n + 2}&language=${state.lang}`;
    try {
      const data = await api("GET", path);
      if (generation !== state.generation || !Array.isArray(data.recommendations)) return [];
      const shown = new Set(state.recs.map((r) => r.item_id));
      return data.recommendations.filter((r) => !shown.has(r.item_id)).slice(0, 2);
    } catch (problem) {
      return [];  // the suggestions are a convenience: the list itself has loaded
    }
  }

  function renderResults() {
    $("results-head").hidden = false;
    $("results-title").textContent = t("forUser")(state.userId);
    const user = state.users.find((u) => u.id === state.userId);
    const sub = [t("nRecs")(state.recs.length)];
    if (user) sub.push(t("prefersLang")(t("langName")[user.language] || user.language));
    $("results-sub").textContent = sub.join(" · ");
    renderUserNotes();
    const flag = $("degraded-flag");
    flag.textContent = t("degraded");
    flag.hidden = !state.degraded;
    const cards = $("cards");
    cards.replaceChildren(...state.recs.map((rec) => renderCard(rec)));
    if (state.recs.length === 0) {
      cards.append(el("li", { className: "card empty-card", text: t("noRecs") }));
    }
  }

  function renderUserNotes() {
    const list = $("user-notes");
    list.replaceChildren(...state.notes.map((note) => el("li", { text: noteText(note) })));
    $("reset-prefs").hidden = state.notes.length === 0;
  }

  function noteText(note) {
    const map = t("notesMap");
    if (!map) return note;
    for (const [pattern, words] of map) {
      const match = pattern.exec(note);
      if (match) return words(match);
    }
    return note;
  }

  // --- one card -----------------------------------------------------------------------------
  function renderCard(rec) {
    const card = el("li", { className: "card", testid: "card", "data-item-id": rec.item_id,
      "data-rank": rec.rank });
    const view = {
      rec, card, explanation: rec.explanation || null, degraded: state.degraded,
      conversationId: null,
    };
    card.append(
      el("div", { className: "card-head" },
        pictureOf(rec),
        el("span", { className: "rank", testid: "card-rank", text: t("rank")(rec.rank) }),
        el("h3", { className: "card-title", testid: "card-title", text: rec.title || rec.item_id }),
        priceTag(rec)),
      el("div", { className: "badges", testid: "card-badges" }),
      el("p", { className: "explanation", testid: "explanation-text" }),
      el("ul", { className: "notes", testid: "card-preferences" }),
      el("details", { className: "evidence", testid: "evidence" }),
      renderFeedback(view),
      el("p", { className: "card-status", testid: "card-status", role: "status" }),
      renderChat(view),
    );
    fillExplanation(view);
    return card;
  }

  // the catalog's price (its own number, in its own currency) and picture, where it has them
  function priceTag(rec) {
    if (typeof rec.price !== "number" || !Number.isFinite(rec.price)) return null;
    return el("span", { className: "price", testid: "card-price",
      text: rec.price.toLocaleString(state.lang === "zh" ? "zh-CN" : "en-US",
        { minimumFractionDigits: 2, maximumFractionDigits: 2 }) });
  }

  function pictureOf(rec) {
    if (typeof rec.image_url !== "string" || !/^https?:\/\//i.test(rec.image_url)) return null;
    // a picture that does not load (gone, or the shop's server down) leaves no broken icon
    return el("img", { className: "picture", testid: "card-image", src: rec.image_url, alt: "",
      loading: "lazy", referrerPolicy: "no-referrer", onerror: (ev) => ev.target.remove() });
  }

  function part(view, testid) {
    return view.card.querySelector(`[data-testid="${testid}"]`);
  }

  function fillExplanation(view) {
    const e = view.explanation;
    const text = part(view, "explanation-text");
    text.textContent = e ? e.text : t("noExplanation");
    text.setAttribute("lang", e && e.language === "zh" ? "zh-CN" : "en");
    const badges = part(view, "card-badges");
    badges.replaceChildren();
    if (e && e.verdict && e.verdict.passed && !e.fallback) {
      badges.append(el("span", { className: "badge ok", testid: "badge-verified", text: t("verified") }));
    } else if (e && e.verdict && !e.verdict.passed) {
      const reasons = (e.verdict.unsupported || []).map((u) => u && u.reason).filter(Boolean);
      badges.append(el("span", { className: "badge warn", testid: "badge-unverified",
        text: t("unverified"), title: reasons.join("; ") }));
    }
    if (e && e.fallback) {
      badges.append(el("span", { className: "badge warn", testid: "badge-fallback",
        text: t("fallback"), title: t("fallbackTip")(e.fallback_reason || "") }));
    }
    if (view.degraded) {
      badges.append(el("span", { className: "badge warn", testid: "badge-degraded",
        text: t("degradedCard") }));
    }
    if (view.rec.cold_start) {
      badges.append(el("span", { className: "badge", text: t("coldStart") }));
    }
    const notes = part(view, "card-preferences");
    const list = e && Array.isArray(e.preferences) ? e.preferences : [];
    notes.replaceChildren(...list.map((n) => el("li", { testid: "preference-note", text: noteText(n) })));
    notes.hidden = list.length === 0;
    fillEvidence(view);
  }

  function fillEvidence(view) {
    const details = part(view, "evidence");
    const wasOpen = details.open;
    const facts = Array.isArray(view.rec.evidence) ? view.rec.evidence : [];
    const cited = new Set((view.explanation && view.explanation.cited_ids) || []);
    const items = facts.map((fact) => {
      const isCited = cited.has(fact.id);
      return el("li", { className: `fact fact-${fact.kind || "other"}${isCited ? " cited" : ""}`,
        testid: "evidence-item", "data-kind": fact.kind || "", "data-fact-id": fact.id || "" },
        el("span", { className: "fact-text", text: factText(fact) }),
        isCited ? el("span", { className: "cited-tag", text: t("cited") }) : null);
    });
    details.replaceChildren(
      el("summary", { testid: "evidence-summary", text: t("evidence")(facts.length) }),
      el("ul", { className: "facts" }, items));
    details.open = wasOpen;
    details.hidden = facts.length === 0;
  }

  /** One evidence fact in readable words (every value is shown as text, never as HTML). */
  function factText(f) {
    const w = t("ev");
    switch (f.kind) {
      case "history_item": {
        const share = Number(f.score_share) || 0;
        const shareText = share < 0 ? w.lowered(percent(share)) : w.share(percent(share));
        if ((f.n_items || 1) > 1 || !f.title) return w.otherHistory(f.n_items || 0, shareText);
        const did = w.historyDid[f.event] || w.historyDid.default;
        const bits = [shareText];
        if (f.rating !== null && f.rating !== undefined) bits.push(w.yourRating(num(f.rating)));
        return state.lang === "zh"
          ? `${did}《${f.title}》（${bits.join("，")}）`
          : `${did} “${f.title}” (${bits.join(", ")})`;
      }
      case "shared_feature":
        return w.shared(w.feature[f.feature] || f.feature, f.value, f.history_count);
      case "cohort":
        return w.cohort(f.approximate ? w.about : "", num(f.co_count, 0), num(f.anchor_count, 0),
          f.anchor_title || f.anchor_item_id, percent(Number(f.share) || 0));
      case "item_quality": {
        const bits = [w.quality(num(f.n_people, 0))];
        if (f.mean_rating !== null && f.mean_rating !== undefined) {
          bits.push(w.meanRating(num(f.mean_rating), f.rating_scale ? num(f.rating_scale) : "",
            num(f.n_ratings, 0)));
        }
        return bits.join(state.lang === "zh" ? "，" : "; ");
      }
      case "trend":
        return w.trend(f.rank_in_category, f.category, f.window_days, f.recent_count);
      case "preference":
        return w.preference(f.statement || f.aspect);
      case "free_text":
        return w.note(f.text);
      default: {
        const shown = Object.entries(f).filter(([k]) => k !== "id" && k !== "kind")
          .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`);
        return `${f.kind || "fact"} — ${shown.join(", ")}`;
      }
    }
  }

  // --- feedback -----------------------------------------------------------------------------
  function renderFeedback(view) {
    const fb = t("fb");
    const buttons = FEEDBACK_KINDS.map((kind) => el("button", {
      type: "button", className: `chip fb-${kind}`, testid: `fb-${kind}`, "data-kind": kind,
      text: fb[kind], onclick: () => sendFeedback(view, kind, null),
    }));
    const aspects = el("select", {
      className: "chip-select", testid: "fb-dont-mention", "aria-label": t("dontMention"),
      onchange: (event) => {
        const aspect = event.target.value;
        event.target.value = "";
        if (aspect) sendFeedback(view, "dont_mention", aspect);
      },
    }, el("option", { value: "", text: t("dontMention") }),
    ASPECTS.map((a) => el("option", { value: a, text: t("aspects")[a] })));
    return el("div", { className: "feedback", testid: "feedback", role: "group",
      "aria-label": t("feedbackLabel") },
    el("span", { className: "feedback-label", text: t("feedbackLabel") }),
    el("div", { className: "chips" }, buttons, aspects));
  }

  function setCardStatus(view, text, kind) {
    const node = part(view, "card-status");
    node.textContent = text || "";
    node.className = `card-status${kind ? " " + kind : ""}`;
  }

  function setBusy(view, busy) {
    for (const control of view.card.querySelectorAll(".feedback button, .feedback select")) {
      control.disabled = busy;
    }
  }

  async function sendFeedback(view, kind, aspect) {
    const e = view.explanation;
    if (!e || !e.id) return;
    setBusy(view, true);
    setCardStatus(view, t("sending"));
    const before = e.text;
    try {
      const body = { explanation_id: e.id, kind };
      if (aspect) body.aspect = aspect;
      const reply = await api("POST", "/v1/feedback", body);
      for (const b of view.card.querySelectorAll(".feedback button")) {
        b.setAttribute("aria-pressed", b.dataset.kind === kind ? "true" : "false");
      }
      if (Array.isArray(reply.preferences)) {
        state.notes = reply.preferences;
        renderUserNotes();
      }
      setCardStatus(view, t("updating"));
      await refreshExplanation(view);
      if (kind === "not_like_this") {
        view.card.classList.add("dismissed");
        setCardStatus(view, t("dismissed"), "ok");
      } else if (view.explanation && view.explanation.text !== before) {
        const text = part(view, "explanation-text");
        text.classList.remove("changed");
        void text.offsetWidth; // restart the highlight animation
        text.classList.add("changed");
        setCardStatus(view, t("updated"), "ok");
      } else {
        setCardStatus(view, t("unchanged"), "ok");
      }
    } catch (problem) {
      setCardStatus(view, `${problemTitle(problem)}: ${problemText(problem)}`, "error");
    } finally {
      setBusy(view, false);
    }
  }

  async function refreshExplanation(view) {
    const rec = view.rec;
    const path = `/v1/users/${encodeURIComponent(rec.user_id || state.userId)}/items/` +
      `${encodeURIComponent(rec.item_id)}/explanation?language=${state.lang}`;
    const data = await api("GET", path);
    if (data.explanation) view.explanation = data.explanation;
    if (data.recommendation && Array.isArray(data.recommendation.evidence)) {
      view.rec = { ...rec, evidence: data.recommendation.evidence };
    }
    view.degraded = Boolean(data.degraded);
    fillExplanation(view);
  }

  // --- chat ---------------------------------------------------------------------------------
  function renderChat(view) {
    const input = el("input", { type: "text", className: "chat-input", testid: "chat-input",
      maxlength: 500, autocomplete: "off", placeholder: t("chatPlaceholder"),
      "aria-label": t("chatSummary") });
    const log = el("ol", { className: "chat-log", testid: "chat-log" });
    const form = el("form", { className: "chat-form", novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        const question = input.value.trim();
        if (!question) return;
        input.value = "";
        ask(view, question);
      } },
    input, el("button", { type: "submit", className: "primary", testid: "chat-send",
      text: t("chatSend") }));
    const others = (state.nearMisses || []).filter((r) => r.item_id !== view.rec.item_id);
    const suggestions = [t("why"), ...others.map((r) => t("whyNot")(r.title))];
    const chips = el("div", { className: "chips suggestions" },
      suggestions.map((q) => el("button", { type: "button", className: "chip ghost",
        testid: "chat-suggestion", text: q, onclick: () => ask(view, q) })));
    return el("details", { className: "chat", testid: "chat" },
      el("summary", { testid: "chat-toggle", text: t("chatSummary") }),
      el("div", { className: "chat-body" }, chips, form, log));
  }

  async function ask(view, question) {
    const log = part(view, "chat-log");
    log.append(el("li", { className: "bubble question", testid: "chat-question" },
      el("span", { className: "who", text: t("you") }), el("span", { text: question })));
    const pending = el("li", { className: "bubble answer pending", text: t("thinking") });
    log.append(pending);
    try {
      const body = { user_id: view.rec.user_id || state.userId, item_id: view.rec.item_id,
        question, language: state.lang };
      if (view.conversationId) body.conversation_id = view.conversationId;
      const data = await api("POST", "/v1/chat", body);
      view.conversationId = data.conversation_id || view.conversationId;
      const answer = data.answer || {};
      pending.replaceWith(el("li", { className: "bubble answer", testid: "chat-answer",
        "data-intent": answer.intent || "", lang: answer.language === "zh" ? "zh-CN" : "en" },
      el("span", { className: "who", text: "whyrec" }),
      el("span", { className: "answer-text", text: answer.text || "" }),
      data.degraded ? el("span", { className: "badge warn", text: t("degradedCard") }) : null));
    } catch (problem) {
      pending.replaceWith(el("li", { className: "bubble answer failed", testid: "chat-error",
        text: `${problemTitle(problem)}: ${problemText(problem)}` }));
    }
  }

  // --- preferences reset --------------------------------------------------------------------
  async function resetPreferences() {
    if (!state.userId) return;
    try {
      await api("DELETE", `/v1/users/${encodeURIComponent(state.userId)}/preferences`);
      await loadRecommendations();
    } catch (problem) {
      showError(problem);
    }
  }

  // --- language -----------------------------------------------------------------------------
  function applyLanguage() {
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    for (const node of document.querySelectorAll("[data-i18n]")) {
      node.textContent = t(node.dataset.i18n);
    }
    for (const node of document.querySelectorAll("[data-i18n-placeholder]")) {
      node.placeholder = t(node.dataset.i18nPlaceholder);
    }
    for (const node of document.querySelectorAll("[data-i18n-label]")) {
      node.setAttribute("aria-label", t(node.dataset.i18nLabel));
    }
    for (const button of document.querySelectorAll("[data-lang]")) {
      button.setAttribute("aria-pressed", button.dataset.lang === state.lang ? "true" : "false");
    }
    document.title = state.lang === "zh" ? "whyrec — 推荐，以及理由" : "whyrec — recommendations, and why";
    renderHealth();
    renderUsers();
  }

  function setLanguage(lang) {
    if (lang === state.lang) return;
    state.lang = lang;
    try { localStorage.setItem(LANG_STORAGE, lang); } catch (e) { /* not kept */ }
    applyLanguage();
    if (!$("key-panel").hidden) $("key-message").textContent = t("keyAsk");
    if (state.userId) loadRecommendations();
  }

  // --- start --------------------------------------------------------------------------------
  async function start() {
    clearError();
    try {
      await loadUsers();
    } catch (problem) {
      showError(problem);
      return;
    }
    const match = /^#user=(.+)$/.exec(location.hash);
    if (match) pickUser(decodeURIComponent(match[1]));
    else if (state.userId) loadRecommendations();
  }

  function wire() {
    for (const button of document.querySelectorAll("[data-lang]")) {
      button.addEventListener("click", () => setLanguage(button.dataset.lang));
    }
    $("key-form").addEventListener("submit", onKeySubmit);
    $("error-close").addEventListener("click", clearError);
    $("reset-prefs").addEventListener("click", resetPreferences);
    $("user-select").addEventListener("change", (event) => pickUser(event.target.value));
    $("user-search").addEventListener("input", renderUsers);
    $("user-search").addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const needle = event.target.value.trim();
      const options = $("user-select").options;
      const exact = state.users.find((u) => u.id === needle);
      if (exact) pickUser(exact.id);
      else if (options.length === 1) pickUser(options[0].value);
      else if (needle) pickUser(needle);
    });
    $("n-select").addEventListener("change", (event) => {
      state.n = Number(event.target.value) || 5;
      if (state.userId) loadRecommendations();
    });
    window.addEventListener("unhandledrejection", (event) => {
      showError(event.reason);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    wire();
    applyLanguage();
    loadHealth();
    start();
  });
})();
