// The page's only script: search as you type, and a seeded discovery followed live.
// Everything shown comes from the server already escaped (search results) or is set as text.
"use strict";

function liveSearch(input) {
  const results = document.getElementById("results");
  if (!results) return;  // pages without a results area search on Enter
  let timer = null;
  let asked = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const query = input.value;
      const mine = ++asked;
      const response = await fetch("/search?partial=1&q=" + encodeURIComponent(query));
      if (mine !== asked) return;  // a later keystroke's answer wins
      results.outerHTML = await response.text();
      history.replaceState(null, "", query ? "/search?q=" + encodeURIComponent(query) : "/");
    }, 150);
  });
}

function followDiscovery(box) {
  const shown = (name) => box.querySelector('[data-field="' + name + '"]');
  const show = (event) => {
    const snapshot = JSON.parse(event.data);
    for (const name of ["stage", "albums", "tracks", "recordings_done", "recordings_known",
                        "producers_enriched", "producers_known", "waiting", "failed", "line"]) {
      const field = shown(name);
      if (field) field.textContent = String(snapshot[name]);
    }
    shown("elapsed").textContent = "(" + Math.round(snapshot.elapsed_s) + " s)";
    return snapshot;
  };
  const source = new EventSource(box.dataset.events);
  source.addEventListener("progress", show);
  source.addEventListener("done", (event) => {
    source.close();
    const snapshot = show(event);
    const finished = box.querySelector(".finished");
    finished.hidden = false;
    if (snapshot.stage === "done" && snapshot.spotify_id) {
      const link = document.createElement("a");
      link.href = "/artists/" + encodeURIComponent(snapshot.spotify_id);
      link.textContent = "See " + snapshot.artist + "'s page";
      finished.append("Done. ", link);
    } else {
      finished.textContent = snapshot.stage === "not found"
        ? "Not found on Spotify: " + snapshot.reason
        : "The discovery failed: " + snapshot.reason;
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-live-search]").forEach(liveSearch);
  document.querySelectorAll("[data-events]").forEach(followDiscovery);
});
