// Keeps an open page current: the alerts badge, and on the story list or a story page a note of the
// articles that arrived since the page was opened, with the page's content fetched again and swapped in
// (no reload). The server pushes its counts as server-sent events (/api/events).
(() => {
  const main = document.getElementById("content");
  if (!main || !window.EventSource) return;
  const story = main.dataset.story;
  const params = new URLSearchParams(location.search);
  const query = new URLSearchParams();
  if (story) query.set("story", story);
  if (params.get("token")) query.set("token", params.get("token"));
  const live = main.dataset.live === "1";
  let opened = null;
  let busy = false;

  async function refresh(size) {
    // A story page may be served from its previous version while the new one is computed: ask again
    // until the page holds the articles the event counted.
    for (let attempt = 0; attempt < 30; attempt++) {
      const resp = await fetch(location.href, { credentials: "same-origin" });
      const doc = new DOMParser().parseFromString(await resp.text(), "text/html");
      const fresh = doc.getElementById("content");
      if (fresh && (!story || Number(fresh.dataset.size) >= size)) {
        document.getElementById("content").replaceWith(fresh);
        return;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  const events = new EventSource("/api/events?" + query.toString());
  events.onmessage = async (message) => {
    const state = JSON.parse(message.data);
    const badge = document.getElementById("alerts-badge");
    if (badge) badge.textContent = state.alerts_unseen ? " (" + state.alerts_unseen + ")" : "";
    if (!live) return;
    const count = story ? state.story_size : state.articles;
    if (opened === null) { opened = count; return; }
    const added = count - opened;
    if (added <= 0 || busy) return;
    let note = document.getElementById("live-note");
    if (!note) {
      note = document.createElement("p");
      note.id = "live-note";
      note.setAttribute("role", "status");
      document.getElementById("content").before(note);
    }
    note.textContent = added + " new article" + (added === 1 ? "" : "s") + " since you opened this page";
    busy = true;
    try { await refresh(count); } finally { busy = false; }
  };
})();
