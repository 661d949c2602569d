// The labelling page of `stancekit annotate`: plain JavaScript, no libraries, works offline.
"use strict";

const TOKEN = document.querySelector('meta[name="stancekit-token"]').content;
const LABEL_KEYS = { "1": "decriminalisation", "2": "abolitionist", "3": "neutral" };
let current = null;      // the item shown
let busy = false;        // a request is under way: keys wait
const mine = [];         // keys this tab answered, for undo

const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const options = { headers: { "X-Stancekit-Token": TOKEN } };
  if (body !== undefined) {
    options.method = "POST";
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function status(message, error) {
  const box = $("status");
  box.textContent = message;
  box.className = error ? "error" : "";
}

function pct(x) { return (100 * x).toFixed(0) + "%"; }

function renderProgress(p) {
  const counts = Object.entries(p.label_counts).map(([k, v]) => `${k} ${v}`).join(", ") || "none yet";
  $("progress").textContent =
    `labelled ${p.labelled} · skipped ${p.skipped} · remaining ${p.remaining} of ${p.total}` +
    ` · labels: ${counts}` +
    (p.retraining ? " · retraining…" : "") +
    (p.retrain_every ? ` · model retrains every ${p.retrain_every} labels (round ${p.model_round})` : " · model not retrained");
  const parts = [];
  if (p.prequential.n) {
    parts.push(`model accuracy on your labels: ${pct(p.prequential.accuracy)} prequential ` +
      `(its guess shown before each of your ${p.prequential.n} labels, unseen when shown)`);
  } else {
    parts.push("model accuracy on your labels: none yet (label a few paragraphs)");
  }
  if (p.cv) {
    parts.push(`${pct(p.cv.accuracy)} by ${p.cv.folds}-fold cross-validation grouped by document ` +
      `(${p.cv.n} labels, corpus + your other labels, round ${p.cv.model_round})`);
  } else if (p.retrain_every) {
    parts.push("cross-validated estimate after 20 labels in 4 documents");
  }
  if (p.retrain_error) parts.push(`retraining failed: ${p.retrain_error}`);
  $("accuracy").textContent = parts.join(" · ");
}

function highlight(chunks) {
  const box = $("text");
  box.textContent = "";
  const top = Math.max(1e-9, ...chunks.map(([, w]) => Math.abs(w)));
  for (const [text, weight] of chunks) {
    if (Math.abs(weight) < 0.02 * top) {
      box.appendChild(document.createTextNode(text));
      continue;
    }
    const mark = document.createElement("mark");
    const alpha = (0.15 + 0.6 * Math.abs(weight) / top).toFixed(2);
    // explain --html's colours: blue toward the guess, orange away from it (never green/red).
    mark.style.background = weight > 0 ? `rgba(40, 110, 220, ${alpha})` : `rgba(230, 140, 20, ${alpha})`;
    mark.title = `${weight > 0 ? "+" : ""}${weight.toFixed(3)} toward ${current.guess}`;
    mark.textContent = text;
    box.appendChild(mark);
  }
}

function render(state) {
  renderProgress(state.progress);
  current = state.item;
  $("item").hidden = !current;
  $("item").dataset.key = current ? current.key : "";
  $("model").hidden = !current;
  $("done").hidden = !!current;
  if (!current) return;
  $("title").textContent = current.title || "";
  const from = current.source === "inline" || current.doc_id.endsWith(current.source) ? "" : ` (${current.source})`;
  $("docid").textContent = current.doc_id + from;
  $("para").textContent = `#${current.paragraph_index}`;  // from 0, as in the labels file
  $("picked").textContent = current.picked_by === "random" ? "· picked at random" : "· picked by uncertainty (least sure first)";
  $("before").textContent = current.before.join("\n\n");
  $("after").textContent = current.after.join("\n\n");
  highlight(current.chunks);
  $("round").textContent = current.model_round ? `(retrained ${current.model_round}×)` : "(starting model)";
  $("guess").textContent = current.guess;
  const probs = $("probs");
  probs.textContent = "";
  const ordered = Object.values(LABEL_KEYS).filter((l) => l in current.model_probabilities);
  for (const label of ordered) {
    const p = current.model_probabilities[label];
    const row = probs.insertRow();
    row.insertCell().textContent = label;
    row.insertCell().textContent = p.toFixed(2);
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.style.width = pct(p);
    row.insertCell().appendChild(bar);
  }
  const terms = $("terms");
  terms.textContent = "";
  for (const label of ordered) {
    const pairs = current.terms[label] || [];
    if (!pairs.length) continue;
    const head = document.createElement("b");
    head.textContent = `toward ${label}:`;
    terms.appendChild(head);
    terms.appendChild(document.createTextNode(pairs.map(([t, v]) => `${t} +${v.toFixed(2)}`).join(", ")));
  }
}

async function act(path, body, after) {
  if (busy) return;
  busy = true;
  try {
    const state = await api(path, body);
    if (after) after(state);
    render(state);
  } catch (error) {
    status(`not saved: ${error.message}`, true);
  } finally {
    busy = false;
  }
}

function answer(label) {
  if (!current) return;
  const key = current.key;
  act("api/answer", { key, label }, (state) => {
    if (state.status === "saved") mine.push(key);
    status(state.status === "saved" ? `saved: ${label}` : "already answered in another tab; moved on");
  });
}

function skip() {
  if (!current) return;
  const key = current.key;
  act("api/skip", { key }, (state) => {
    if (state.status === "skipped") mine.push(key);
    status(state.status === "skipped" ? "skipped" : "already answered in another tab; moved on");
  });
}

function undo() {
  const key = mine.length ? mine.pop() : null;
  act("api/undo", { key }, (state) => status(state.key ? `undone: ${state.key}` : "nothing to undo"));
}

function toggleHelp() { $("help").hidden = !$("help").hidden; }

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.altKey || event.metaKey) return;
  if (event.key in LABEL_KEYS) { answer(LABEL_KEYS[event.key]); }
  else if (event.key === " ") { skip(); }
  else if (event.key === "u" || event.key === "Backspace") { undo(); }
  else if (event.key === "?") { toggleHelp(); }
  else if (event.key === "Escape") { $("help").hidden = true; }
  else return;
  event.preventDefault();
});

// A clicked button gives up the focus, so that space (skip) never presses it again.
function onClick(button, run) {
  button.addEventListener("click", () => { button.blur(); run(); });
}
for (const button of document.querySelectorAll("button[data-label]")) {
  onClick(button, () => answer(button.dataset.label));
}
onClick($("skip"), skip);
onClick($("undo"), undo);
onClick($("helpbutton"), toggleHelp);
onClick($("closehelp"), toggleHelp);

api("api/state").then(render).catch((error) => status(`cannot load: ${error.message}`, true));
