// The mirror's search (search.html?q=WORDS) and random day (random.html), in the browser.
// The index is plain scripts under search/ (see apodscrape/site/search.py): days.js lists
// every day and the shards; a shard holds the words starting with two letters. Scripts load
// from a server and from file:// alike. Nothing from the index or the query becomes markup:
// results are built with textContent and addresses from six digits only.
"use strict";

const apodSearch = (() => {
  const FIRST = Date.UTC(1995, 5, 16);
  const WIDTH = 3;
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];
  const shards = new Map();
  let days = null;  // ordinal -> {stem, title}
  let keys = null;
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

  function words(text) {
    const folded = text.normalize("NFKD").toLowerCase().replace(/\p{M}/gu, "");
    return folded.match(/[\p{L}\p{N}]+/gu) || [];
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

  function postings(posting) {
    const found = [];
    for (let i = 0; i < posting.length; i += WIDTH) {
      found.push(parseInt(posting.slice(i, i + WIDTH), 36));
    }
    return found;
  }

  // Days matching every term: a term matches the words it begins (one letter: itself).
  // Ranked by terms found in the title, then whole words over prefixes, newest first.
  async function search(query) {
    await ready();
    const terms = [...new Set(words(query))];
    if (terms.length === 0) return [];
    let scores = null;
    for (const term of terms) {
      const entries = await shard(Array.from(term).slice(0, 2).join(""));
      const found = new Map();
      for (const [word, posting] of Object.entries(entries)) {
        const whole = word === term;
        if (!whole && (term.length < 2 || !word.startsWith(term))) continue;
        for (const day of postings(posting)) {
          found.set(day, Math.max(found.get(day) || 0, whole ? 2 : 1));
        }
      }
      if (scores === null) {
        scores = found;
      } else {
        for (const [day, score] of scores) {
          if (found.has(day)) scores.set(day, score + found.get(day));
          else scores.delete(day);
        }
      }
      if (scores.size === 0) break;
    }
    const results = [];
    for (const [day, score] of scores) {
      const entry = days.get(day);
      if (!entry) continue;
      const title = new Set(words(entry.title));
      const inTitle = terms.filter((term) => [...title].some((w) => w.startsWith(term))).length;
      results.push({ ...entry, rank: inTitle * 10 + score, day });
    }
    results.sort((a, b) => b.rank - a.rank || b.day - a.day);
    return results;
  }

  async function random() {
    await ready();
    const all = [...days.values()];
    return all[Math.floor(Math.random() * all.length)];
  }

  return {
    search, random, dateText,
    // Called by the index's scripts as they load.
    days(shardKeys, listing) {
      keys = new Set(shardKeys);
      days = new Map();
      for (const line of listing.split("\n")) {
        const tab = line.indexOf("\t");
        const stem = line.slice(0, tab);
        if (/^\d{6}$/.test(stem)) days.set(ordinalOf(stem), { stem, title: line.slice(tab + 1) });
      }
      loaded("search/days.js");
    },
    shard(key, entries) {
      shards.set(key, entries);
      loaded(shardFile(key));
    },
  };
})();

async function showSearch(results, status) {
  const query = new URLSearchParams(location.search).get("q") || "";
  document.getElementById("q").value = query;
  if (!query.trim()) return;
  status.textContent = "Searching\u2026";
  const found = await apodSearch.search(query);
  status.textContent = found.length === 0
    ? `No day has all of: ${query}`
    : `${found.length} ${found.length === 1 ? "day" : "days"} for: ${query}`;
  const items = document.createDocumentFragment();
  for (const day of found) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `ap${day.stem}.html`;
    link.textContent = day.title;
    item.append(`${apodSearch.dateText(day.stem)}: `, link);
    items.append(item);
  }
  results.replaceChildren(items);
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
  const failed = (error) => {
    (status || random).textContent = `Search index not available: ${error.message}`;
  };
  if (results) showSearch(results, status).catch(failed);
  if (random) goRandom(random).catch(failed);
});
