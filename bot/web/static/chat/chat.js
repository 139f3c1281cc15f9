// The web chat page: forms are sent in the background and the conversation arrives as
// Server-Sent Events, so the page never reloads. Without this script every form still
// works by a normal POST and a redirect back to the page. Server HTML is already escaped.
"use strict";

(function () {
  const page = document.getElementById("chat");
  if (!page) return;
  const log = document.getElementById("log");
  const error = document.getElementById("error");
  const codeBox = document.getElementById("code");
  let last = page.dataset.last || "0";

  function atBottom() {
    window.scrollTo(0, document.body.scrollHeight);
  }

  function place(html, replaceId) {
    const holder = document.createElement("template");
    holder.innerHTML = html.trim();
    const item = holder.content.firstElementChild;
    if (!item) return;
    const old = document.getElementById(replaceId || item.id);
    if (old) {
      old.replaceWith(item);
    } else {
      const intro = log.querySelector("li.intro");
      if (intro) intro.remove();
      log.appendChild(item);
    }
  }

  function connect() {
    const source = new EventSource("/chat/events?after=" + encodeURIComponent(last));
    source.addEventListener("entry", function (event) {
      last = event.lastEventId || last;
      place(event.data);
      error.textContent = "";
      atBottom();
    });
    source.addEventListener("edit", function (event) {
      last = event.lastEventId || last;
      place(event.data);
    });
    source.addEventListener("code", function (event) {
      codeBox.innerHTML = event.data;
      const section = codeBox.querySelector("section");
      if (section) section.focus();
    });
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) {
        error.textContent = page.dataset.offline;
        window.setTimeout(connect, 3000);
      }
    };
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("chat-form")) return;
    event.preventDefault();
    const buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Chat": "1" },
      credentials: "same-origin",
    }).then(function (response) {
      if (response.ok) {
        error.textContent = "";
        if (form.id === "recover-form") {
          window.location.assign("/chat?recovered=1");
          return;
        }
        if (form.id === "composer" || form.id === "photo-form") form.reset();
        return;
      }
      return response.text().then(function (text) { error.textContent = text; });
    }).catch(function () {
      error.textContent = page.dataset.failed;
    }).finally(function () {
      buttons.forEach(function (b) { b.disabled = false; });
    });
  });

  const text = document.getElementById("text");
  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      text.form.requestSubmit();
    }
  });

  atBottom();
  connect();
})();
