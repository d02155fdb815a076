// The mirror's search (search.html?q=WORDS&page=N) and random day (random.html), in the browser.
// The index is plain scripts under search/ (see apodscrape/site/search.py): days.js lists
// every day and the shards; a shard holds the words starting with two letters, each with how
// often it appears on each day; text/YYMM.js holds a month's explanations, for snippets.
// Scripts load from a server and from file:// alike. Nothing from the index or the query
// becomes markup: results are built with textContent and addresses from six digits only.
"use strict";

const apodSearch = (() => {
  const FIRST = Date.UTC(1995, 5, 16);
  const WIDTH = 3;  // an ordinal's digits
  const ENTRY = 4;  // a posting's entry: the ordinal, and the word's count on that day
  const K1 = 1.2, B = 0.75;  // BM25's usual constants
  const TITLE = 2;  // a word in the title counts as much as this many idf more
  const PREFIX = 0.5;  // a word a term only begins counts half
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];
  const shards = new Map();
  const texts = new Map();  // YYMM -> {YYMMDD: text}
  let days = null;  // ordinal -> {stem, title, length, thumb}
  let keys = null;
  let averageLength = 1;
  const waiting = new Map();  // script address -> resolve

  function load(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      waiting.set(src, resolve);
      script.onerror = () => reject(new Error("cannot load " + src));
      document.head.appendChild(script);
    });
  }

  function loaded(src) {
    const resolve = waiting.get(src);
    waiting.delete(src);
    if (resolve) resolve();
  }

  function fold(text) {
    return text.normalize("NFKD").toLowerCase().replace(/\p{M}/gu, "");
  }

  function words(text) {
    return fold(text).match(/[\p{L}\p{N}]+/gu) || [];
  }

  function shardFile(key) {
    let name = "";
    for (const c of key) name += /[a-z0-9]/.test(c) ? c : "_" + c.codePointAt(0).toString(16);
    return "search/" + name + ".js";
  }

  function ordinalOf(stem) {
    const year = Number(stem.slice(0, 2));
    const full = year >= 95 ? 1900 + year : 2000 + year;
    const at = Date.UTC(full, Number(stem.slice(2, 4)) - 1, Number(stem.slice(4, 6)));
    return Math.round((at - FIRST) / 86400000);
  }

  function dateText(stem) {
    const year = Number(stem.slice(0, 2));
    return `${year >= 95 ? 1900 + year : 2000 + year} ${MONTHS[Number(stem.slice(2, 4)) - 1]} ${stem.slice(4, 6)}`;
  }

  async function ready() {
    if (days === null) await load("search/days.js");
  }

  async function shard(key) {
    if (!keys.has(key)) return {};
    if (!shards.has(key)) await load(shardFile(key));
    return shards.get(key) || {};
  }

  // Whether a word (folded) is a term's: the term itself, or (two letters or more) its start.
  function matches(word, term) {
    return word === term || (term.length >= 2 && word.startsWith(term));
  }

  // Each term's days, with how often it appears there (a word it only begins counts half).
  async function termDays(term) {
    const entries = await shard(Array.from(term).slice(0, 2).join(""));
    const found = new Map();
    for (const [word, posting] of Object.entries(entries)) {
      if (!matches(word, term)) continue;
      const weight = word === term ? 1 : PREFIX;
      for (let i = 0; i < posting.length; i += ENTRY) {
        const day = parseInt(posting.slice(i, i + WIDTH), 36);
        const count = parseInt(posting[i + WIDTH], 36) * weight;
        found.set(day, (found.get(day) || 0) + count);
      }
    }
    return found;
  }

  // Days matching any term, ranked: days with every term first, then by BM25 over the page's
  // words (rare terms weigh more), a term in the title adding TITLE times its weight; newest
  // first among equals.
  async function search(query) {
    await ready();
    const terms = [...new Set(words(query))];
    if (terms.length === 0) return { terms, results: [] };
    const total = days.size;
    const scored = new Map();  // day -> {score, found}
    for (const term of terms) {
      const found = await termDays(term);
      const idf = Math.log(1 + (total - found.size + 0.5) / (found.size + 0.5));
      for (const [day, count] of found) {
        const entry = days.get(day);
        if (!entry) continue;
        const norm = K1 * (1 - B + B * entry.length / averageLength);
        let score = idf * count * (K1 + 1) / (count + norm);
        if (words(entry.title).some((word) => matches(word, term))) score += TITLE * idf;
        const seen = scored.get(day) || { score: 0, found: 0 };
        seen.score += score;
        seen.found += 1;
        scored.set(day, seen);
      }
    }
    const results = [];
    for (const [day, { score, found }] of scored) {
      results.push({ ...days.get(day), day, score, every: found === terms.length });
    }
    results.sort((a, b) => b.every - a.every || b.score - a.score || b.day - a.day);
    return { terms, results };
  }

  // The explanations of these days (loading their months' files).
  async function textsOf(stems) {
    const months = [...new Set(stems.map((stem) => stem.slice(0, 4)))];
    await Promise.all(months.filter((m) => !texts.has(m)).map(
      (month) => load(`search/text/${month}.js`).catch(() => texts.set(month, {}))));
    return stems.map((stem) => (texts.get(stem.slice(0, 4)) || {})[stem] || "");
  }

  async function random() {
    await ready();
    const all = [...days.values()];
    return all[Math.floor(Math.random() * all.length)];
  }

  return {
    search, random, dateText, textsOf, words, fold, matches,
    // Called by the index's scripts as they load.
    days(shardKeys, listing) {
      keys = new Set(shardKeys);
      days = new Map();
      let sum = 0;
      for (const line of listing.split("\n")) {
        const [stem, length, thumb, title] = line.split("\t");
        if (!/^\d{6}$/.test(stem)) continue;
        const words = parseInt(length, 36) || 0;
        sum += words;
        days.set(ordinalOf(stem), { stem, title: title || "", length: words, thumb: thumb === "t" });
      }
      averageLength = Math.max(1, sum / Math.max(1, days.size));
      loaded("search/days.js");
    },
    shard(key, entries) {
      shards.set(key, entries);
      loaded(shardFile(key));
    },
    text(month, entries) {
      texts.set(month, entries);
      loaded(`search/text/${month}.js`);
    },
  };
})();

const PER_PAGE = 20;
const SNIPPET_BEFORE = 10, SNIPPET_AFTER = 26;  // words around the first match

// A snippet of a text around its first word matching a term, the matches marked (<mark>).
function snippet(text, terms) {
  const tokens = [...text.matchAll(/[\p{L}\p{N}]+/gu)];
  const hit = (token) => {
    const folded = apodSearch.fold(token[0]);
    return terms.some((term) => apodSearch.matches(folded, term));
  };
  const first = Math.max(0, tokens.findIndex(hit));
  const from = Math.max(0, first - SNIPPET_BEFORE);
  const to = Math.min(tokens.length, first + SNIPPET_AFTER);
  const part = document.createElement("p");
  part.className = "snippet";
  if (tokens.length === 0) return part;
  let at = tokens[from].index;
  if (from > 0) part.append("\u2026 ");
  for (const token of tokens.slice(from, to)) {
    if (!hit(token)) continue;
    part.append(text.slice(at, token.index));
    const mark = document.createElement("mark");
    mark.textContent = token[0];
    part.append(mark);
    at = token.index + token[0].length;
  }
  const end = to < tokens.length ? tokens[to - 1].index + tokens[to - 1][0].length : text.length;
  part.append(text.slice(at, end));
  if (to < tokens.length) part.append(" \u2026");
  return part;
}

function pageLink(query, number, text, current) {
  if (current) {
    const here = document.createElement("b");
    here.textContent = text;
    here.setAttribute("aria-current", "page");
    return here;
  }
  const link = document.createElement("a");
  link.href = `search.html?q=${encodeURIComponent(query)}&page=${number}`;
  link.textContent = text;
  return link;
}

function pager(query, page, pages) {
  const nav = document.createDocumentFragment();
  if (pages <= 1) return nav;
  if (page > 1) nav.append(pageLink(query, page - 1, "\u2039 Previous", false));
  const shown = new Set([1, pages]);
  for (let n = page - 2; n <= page + 2; n++) if (n >= 1 && n <= pages) shown.add(n);
  let last = 0;
  for (const n of [...shown].sort((a, b) => a - b)) {
    if (n > last + 1) nav.append("\u2026");
    nav.append(pageLink(query, n, String(n), n === page));
    last = n;
  }
  if (page < pages) nav.append(pageLink(query, page + 1, "Next \u203a", false));
  return nav;
}

async function showSearch(results, status, pagers) {
  const params = new URLSearchParams(location.search);
  const query = params.get("q") || "";
  document.getElementById("q").value = query;
  if (!query.trim()) return;
  status.textContent = "Searching\u2026";
  const { terms, results: found } = await apodSearch.search(query);
  const pages = Math.max(1, Math.ceil(found.length / PER_PAGE));
  const page = Math.min(pages, Math.max(1, parseInt(params.get("page"), 10) || 1));
  const shown = found.slice((page - 1) * PER_PAGE, page * PER_PAGE);
  const texts = await apodSearch.textsOf(shown.map((day) => day.stem));
  const every = found.filter((day) => day.every).length;
  if (found.length === 0) {
    status.textContent = `No day has any of: ${query}`;
  } else {
    const count = `${found.length} ${found.length === 1 ? "day" : "days"} for: ${query}`;
    const all = terms.length > 1 && every < found.length
      ? ` (${every === 0 ? "none" : every} with every word)` : "";
    const where = pages > 1 ? `, page ${page} of ${pages}` : "";
    status.textContent = count + all + where;
  }
  const items = document.createDocumentFragment();
  shown.forEach((day, i) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `ap${day.stem}.html`;
    link.className = "title";
    if (day.thumb) {
      const thumb = document.createElement("img");
      thumb.className = "thumb";
      thumb.src = `thumbs/ap${day.stem}.jpg`;
      thumb.alt = "";
      thumb.loading = "lazy";
      thumb.decoding = "async";
      item.append(thumb);
    }
    link.textContent = day.title;
    const heading = document.createElement("p");
    heading.className = "hit";
    heading.append(`${apodSearch.dateText(day.stem)}: `, link);
    item.append(heading, snippet(texts[i], terms));
    items.append(item);
  });
  results.start = (page - 1) * PER_PAGE + 1;
  results.replaceChildren(items);
  for (const nav of pagers) nav.replaceChildren(pager(query, page, pages));
}

async function goRandom(status) {
  const day = await apodSearch.random();
  if (day) location.replace(`ap${day.stem}.html`);
  else status.textContent = "The mirror has no day yet.";
}

document.addEventListener("DOMContentLoaded", () => {
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  const random = document.getElementById("random");
  const pagers = document.querySelectorAll("nav.pages");
  const failed = (error) => {
    (status || random).textContent = `Search index not available: ${error.message}`;
  };
  if (results) showSearch(results, status, pagers).catch(failed);
  if (random) goRandom(random).catch(failed);
});
