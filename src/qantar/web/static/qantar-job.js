// Follows a background job without reloading the page: asks its status every two
// seconds, writes the stage and the seconds into the page, and opens the result when the
// job is done. Without this script the page reloads itself (a <noscript> refresh).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.getAttribute("data-state") !== "running") { return; }
  var url = box.getAttribute("data-status");
  function show(id, text) {
    var node = document.getElementById(id);
    if (node) { node.textContent = text; }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (job) {
        show("job-stage", job.stage);
        show("job-seconds", String(job.seconds));
        if (job.state === "running") { window.setTimeout(poll, 2000); return; }
        // Done or failed: the server renders the outcome (and its message) in full.
        window.location.reload();
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
