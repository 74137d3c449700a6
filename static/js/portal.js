/* 数改门户 · Shugai Portal — small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.add("js");

  function closest(el, selector) {
    while (el && el.nodeType === 1) {
      if (el.matches(selector)) return el;
      el = el.parentElement;
    }
    return null;
  }

  // Selects marked data-autosubmit (the language switch) submit their form when changed.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) {
      select.form.submit();
    }
  });

  // Forms marked data-confirm="…" ask before they are sent; POST forms are not sent twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if ((form.getAttribute("method") || "").toLowerCase() === "post") {
      if (form.getAttribute("data-submitted") === "1") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-submitted", "1");
      // Re-enable after a while in case the browser stays on the page (validation, slow network).
      window.setTimeout(function () { form.removeAttribute("data-submitted"); }, 8000);
    }
  });

  // Links marked data-confirm ask before they are followed.
  document.addEventListener("click", function (event) {
    var link = closest(event.target, "a[data-confirm]");
    if (link && !window.confirm(link.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // Buttons marked data-print print the page (announcements posted on the bureau's notice board).
  document.addEventListener("click", function (event) {
    if (closest(event.target, "button[data-print]")) window.print();
  });

  // Dropdowns (<details data-dropdown>): one open at a time; close on outside click and on Escape.
  function closeDropdowns(except) {
    var open = document.querySelectorAll("details[data-dropdown][open]");
    for (var i = 0; i < open.length; i++) {
      if (open[i] !== except) open[i].removeAttribute("open");
    }
  }

  document.addEventListener("click", function (event) {
    closeDropdowns(closest(event.target, "details[data-dropdown]"));
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var current = closest(document.activeElement, "details[data-dropdown]");
      closeDropdowns(null);
      if (current) current.querySelector("summary").focus();
    }
  });

  // Narrow screens: the sidebar folds behind a "Menu" button above the content.
  document.addEventListener("click", function (event) {
    var toggle = closest(event.target, "[data-nav-toggle]");
    if (!toggle) return;
    var nav = closest(toggle, "[data-nav]");
    if (!nav) return;
    var open = nav.classList.toggle("nav-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();

// Live estimate: a form with data-estimate-url posts itself there (debounced) and shows the answer.
(function () {
  "use strict";
  var form = document.querySelector("form[data-estimate-url]");
  if (!form || !window.fetch || !window.FormData) return;
  var target = document.querySelector(form.getAttribute("data-estimate-target"));
  var timer = null;
  function refresh() {
    fetch(form.getAttribute("data-estimate-url"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html !== null && target) target.innerHTML = html;
    }).catch(function () { /* the estimate is a help, never a blocker */ });
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  });
  refresh();
})();

// Background jobs: an element with data-job-url polls it (JSON: status, progress, message, download) and shows
// the progress bar, the message and, when done, the download link (or, with data-job-reload, reloads the page
// once the job is done or failed); the page works without it by reloading.
(function () {
  "use strict";
  var boxes = document.querySelectorAll("[data-job-url]");
  if (!boxes.length || !window.fetch) return;
  Array.prototype.forEach.call(boxes, function (box) {
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-job-message]");
    var link = box.querySelector("[data-job-download]");
    function poll() {
      fetch(box.getAttribute("data-job-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (job) {
          if (!job) return;
          if (bar) bar.value = job.progress;
          if (text) text.textContent = job.message || job.status_label;
          box.setAttribute("data-job-status", job.status);
          // data-job-reload: the page itself shows the job's outcome (a calculation run's lines), so reload it.
          if ((job.status === "done" || job.status === "failed") && box.hasAttribute("data-job-reload")) {
            window.location.reload();
            return;
          }
          if (job.status === "done" && link && job.download) {
            link.href = job.download;
            link.hidden = false;
            return;
          }
          if (job.status !== "failed") setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(poll, 3000); });
    }
    poll();
  });
})();
