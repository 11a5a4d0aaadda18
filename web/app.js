// fashionrec's web page: plain JavaScript, no libraries, no CDN. Routes (location.hash):
//   #/                      pick a customer
//   #/customer/ID           profile, last purchases and recommendations, as pictures
//   #/article/ID/tower|image  an article and the ones most similar to it
//   #/report                the model report (evaluation charts and table)
//   #/pick/PREFIX           search for PREFIX and pick the first customer found (what a person
//                           does with the search box; the browser test starts here)
// When a customer's recommendation pictures have all loaded, <body data-recommendation-images>
// holds how many have a picture (naturalWidth > 0): the browser test reads it.
"use strict";
const K = 12;
const $ = (id) => document.getElementById(id);
const view = $("view");

async function get(url) {
  const r = await fetch(url);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error ? body.error.message : r.statusText);
  return body;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "onclick") e.addEventListener("click", v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function card(article, extra) {
  const c = el("div", { class: "card", "data-article": article.article_id,
                        onclick: () => { location.hash = "#/article/" + article.article_id + "/tower"; } },
    el("img", { src: article.image_url, alt: article.prod_name || article.article_id, loading: "eager" }),
    el("div", {}, article.prod_name || "(no name)"),
    el("div", { class: "src" }, [article.product_type_name, article.colour_group_name].filter(Boolean).join(", ")));
  if (extra) c.append(extra);
  return c;
}

async function search() {
  const q = $("q").value.trim();
  const list = $("matches");
  list.textContent = "";
  try {
    const found = await get("/v1/customers?limit=20&q=" + encodeURIComponent(q));
    for (const c of found) {
      list.append(el("li", { "data-customer": c.customer_id,
                             onclick: () => { location.hash = "#/customer/" + c.customer_id; } },
                     c.customer_id + "  (" + c.purchases + " purchases)"));
    }
    if (!found.length) list.append(el("li", {}, "no customer with purchases starts with that"));
  } catch (e) { list.append(el("li", { class: "error" }, e.message)); }
}

async function showCustomer(id) {
  view.textContent = "loading...";
  try {
    const [who, recs] = await Promise.all([get("/v1/customers/" + id),
                                           get("/v1/customers/" + id + "/recommendations?k=" + K)]);
    view.textContent = "";
    view.append(el("h2", {}, "Customer " + id.slice(0, 16) + "..."),
      el("div", { class: "profile" }, "age " + (who.age ?? "unknown") + ", club " + (who.club_member_status || "?") +
         ", news " + (who.fashion_news_frequency || "?") + ", " + who.purchases + " purchases before " + recs.as_of));
    view.append(el("h3", {}, "Last purchases"));
    const bought = el("div", { class: "grid", id: "bought" });
    for (const a of who.last_purchases) bought.append(card(a, el("div", { class: "src" }, a.date)));
    view.append(bought);
    view.append(el("h3", {}, "Recommended (" + recs.recommendations.length + ")"));
    const grid = el("div", { class: "grid", id: "recommendations" });
    for (const r of recs.recommendations)
      grid.append(card(r.article, el("div", {}, el("span", { class: "score" }, r.score.toFixed(3)), " ",
                                     el("span", { class: "src" }, r.sources.join(" + ")))));
    view.append(grid);
    const imgs = [...grid.querySelectorAll("img")];
    await Promise.all(imgs.map((i) => i.complete ? null : new Promise((ok) => { i.onload = ok; i.onerror = ok; })));
    document.body.dataset.recommendationImages = String(imgs.filter((i) => i.naturalWidth > 0).length);
  } catch (e) { view.textContent = ""; view.append(el("p", { class: "error" }, e.message)); }
}

async function pick(prefix) {
  $("q").value = prefix;
  await search();
  const first = $("matches").querySelector("li[data-customer]");
  if (first) first.click();
}

async function showArticle(id, by) {
  view.textContent = "loading...";
  try {
    const s = await get("/v1/articles/" + id + "/similar?k=" + K + "&by=" + by);
    view.textContent = "";
    const other = by === "tower" ? "image" : "tower";
    view.append(el("h2", {}, s.article.prod_name + " (" + s.article.article_id + ")"),
      el("div", { class: "grid" }, card(s.article)),
      el("h3", {}, "Similar by " + (by === "tower" ? "the article tower" : "the picture") + " ",
         el("a", { href: "#/article/" + id + "/" + other }, "(by " + other + " instead)")));
    const grid = el("div", { class: "grid", id: "similar" });
    for (const a of s.similar) grid.append(card(a, el("div", { class: "score" }, a.score.toFixed(3))));
    view.append(grid);
  } catch (e) { view.textContent = ""; view.append(el("p", { class: "error" }, e.message)); }
}

async function showReport() {
  view.textContent = "loading...";
  try {
    const runs = (await get("/v1/reports")).runs;
    view.textContent = "";
    if (!runs.length) { view.append(el("p", {}, "No report yet: run fashionrec evaluate.")); return; }
    const run = runs[runs.length - 1];
    const r = await get("/reports/" + run + "/report.json");
    view.append(el("h2", {}, "Model report: " + run),
      el("p", {}, r.customers + " validation buyers, " + r.window.first_day + " to " + r.window.last_day +
         ", already-bought articles excluded: " + (r.exclude_bought ? "yes" : "no")));
    const rows = [];
    if (r.metrics.oracle) rows.push(["oracle", r.metrics.oracle]);
    rows.push(["model", r.metrics.model], ["retrieval only", r.metrics.retrieval]);
    for (const [n, v] of Object.entries(r.metrics.baselines)) rows.push([n, v]);
    const t = el("table", {}, el("tr", {}, ...["ranking", "MAP@12", "P@12", "R@12", "NDCG@12"].map((h) => el("th", {}, h))));
    for (const [n, v] of rows)
      t.append(el("tr", {}, el("td", {}, n), ...["map@12", "precision@12", "recall@12", "ndcg@12"]
        .map((k) => el("td", {}, v[k] === undefined ? "" : v[k].toFixed(4)))));
    view.append(t);
    for (const line of r.summary || []) view.append(el("p", {}, line));
    const charts = el("div", { class: "charts" });
    for (const f of ["ndcg_by_k.svg", "recall_by_k.svg", "candidates.svg", "training_curves.svg"])
      charts.append(el("img", { src: "/reports/" + run + "/" + f, alt: f }));
    view.append(charts);
  } catch (e) { view.textContent = ""; view.append(el("p", { class: "error" }, e.message)); }
}

function route() {
  const parts = location.hash.replace(/^#\/?/, "").split("/");
  $("pick").style.display = parts[0] === "report" ? "none" : "";
  if (parts[0] === "customer" && parts[1]) showCustomer(parts[1]);
  else if (parts[0] === "article" && parts[1]) showArticle(parts[1], parts[2] === "image" ? "image" : "tower");
  else if (parts[0] === "report") showReport();
  else if (parts[0] === "pick") pick(decodeURIComponent(parts[1] || ""));
  else view.textContent = "";
}

$("search").addEventListener("click", search);
$("q").addEventListener("keydown", (e) => { if (e.key === "Enter") search(); });
window.addEventListener("hashchange", route);
// What the server ships: the model, or the ranking tune chose because it beat the model.
get("/health").then((h) => {
  $("shipped").textContent = h.policy === "model"
    ? "Recommendations: the model's ranking (" + (h.refitted ? "refitted through the last day" : "trained before the validation window") + ")"
    : "Recommendations: " + h.policy.replace(/_/g, " ") + ", which beat the model when tuned (tune.json)";
  $("shipped").dataset.policy = h.policy;
}).catch(() => {});
route();
