// The playground page: a simulated group chat over /api/playground. Every piece of text is set with textContent,
// never parsed as HTML, because names, messages and card lines come from whoever types them.
"use strict";

const api = "/api/playground";
const state = { groups: [], group: null, me: null, messages: new Map(), events: null, myPresses: new Set() };
const narrow = window.matchMedia("(max-width: 700px)");
const $ = (testId) => document.querySelector(`[data-testid="${testId}"]`);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("data-") || key.startsWith("aria-") || key === "href" || key === "target" || key === "rel" || key === "download" || key === "type" || key === "title") node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

async function call(method, path, body) {
  const response = await fetch(api + path, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error((data && data.error) || `The server answered ${response.status}.`);
  return data;
}

function toast(text, isError = false) {
  if (!text) return;
  const node = el("div", { class: isError ? "toast error" : "toast", "data-testid": "toast", text });
  $("toasts").append(node);
  setTimeout(() => node.remove(), isError ? 6000 : 4000);
}

const guard = (action) => async (...args) => {
  try { await action(...args); } catch (error) { toast(error.message, true); }
};

function colorOf(id) {
  let hash = 0;
  for (const c of id) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 55% 48%)`;
}

function avatar(name, id) {
  const node = el("span", { class: "avatar", "aria-hidden": "true", text: (name || "?").slice(0, 1).toUpperCase() });
  node.style.background = colorOf(id);
  return node;
}

// ---- groups and members -------------------------------------------------------------------------------------

async function loadGroups(preferred) {
  state.groups = await call("GET", "/groups");
  if (state.groups.length === 0) state.groups = [await call("POST", "/groups", { name: "Weekend trip" })];
  const select = $("group-select");
  select.replaceChildren(...state.groups.map((g) => el("option", { value: g.id, text: g.name })));
  const wanted = preferred || new URLSearchParams(location.search).get("group") || localStorage.getItem("gp.group");
  const group = state.groups.find((g) => g.id === wanted) || state.groups[0];
  select.value = group.id;
  await openGroup(group);
}

async function openGroup(group) {
  state.group = group;
  localStorage.setItem("gp.group", group.id);
  const remembered = localStorage.getItem(`gp.member.${group.id}`);
  state.me = group.members.find((m) => m.id === remembered) || group.members[0];
  renderMembers();
  state.messages.clear();
  $("messages").replaceChildren();
  connect();
}

function setMembers(group) {
  state.group = group;
  state.me = group.members.find((m) => m.id === (state.me && state.me.id)) || group.members[0];
  const index = state.groups.findIndex((g) => g.id === group.id);
  if (index >= 0) state.groups[index] = group;
  renderMembers();
  for (const message of state.messages.values()) renderMessage(message);
}

function becomeMember(member) {
  state.me = member;
  localStorage.setItem(`gp.member.${state.group.id}`, member.id);
  renderMembers();
  for (const message of state.messages.values()) if (message.kind === "member") renderMessage(message);
  $("command-input").focus();
}

function renderMembers() {
  $("current-member").querySelector("strong").textContent = state.me ? state.me.name : "";
  $("member-list").replaceChildren(...state.group.members.map((member) => {
    const current = state.me && member.id === state.me.id;
    const pick = el("button", { type: "button", class: "pick", "data-testid": "pick-member", title: `Act as ${member.name}` },
      avatar(member.name, member.id), el("span", { class: "name", text: member.name }), el("span", { class: "handle", text: "@" + member.username }));
    pick.setAttribute("aria-pressed", current ? "true" : "false");
    pick.addEventListener("click", () => becomeMember(member));
    const rename = el("button", { type: "button", class: "rename", "data-testid": "rename-member", "aria-label": `Rename ${member.name}`, text: "✎" });
    const item = el("li", { class: current ? "member current" : "member", "data-testid": "member", "data-member-id": member.id, "data-member-name": member.name },
      pick, member.isAdmin ? el("span", { class: "badge", text: "admin" }) : null, rename);
    rename.addEventListener("click", () => startRename(item, member));
    return item;
  }));
}

function startRename(item, member) {
  const input = el("input", { "data-testid": "rename-input", maxLength: 32, value: member.name, "aria-label": `New name for ${member.name}` });
  const form = el("form", { class: "inline-form" }, input, el("button", { type: "submit", "data-testid": "rename-save", text: "Save" }));
  form.addEventListener("submit", guard(async (event) => {
    event.preventDefault();
    await call("PUT", `/groups/${state.group.id}/members/${member.id}`, { name: input.value });
    setMembers(await call("GET", `/groups/${state.group.id}`));
  }));
  input.addEventListener("keydown", (event) => { if (event.key === "Escape") renderMembers(); });
  item.replaceChildren(form);
  input.focus();
  input.select();
}

// ---- messages ----------------------------------------------------------------------------------------------

function timeOf(message) {
  const at = new Date(message.at);
  return at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + (message.edited ? " · edited" : "");
}

function cardNode(message) {
  const card = message.card;
  const rows = card.buttons.map((row) => el("div", { class: "card-row" }, ...row.map((button) => buttonNode(button))));
  return el("div", { class: "bubble card", "data-testid": "card" },
    el("div", { class: "card-title", "data-testid": "card-title", text: card.title }),
    el("div", { class: "card-lines" }, ...card.lines.map((line) => el("div", { class: "card-line", "data-testid": "card-line", text: line }))),
    rows.length ? el("div", { class: "card-buttons" }, ...rows) : null,
    el("div", { class: "meta", text: timeOf(message) }));
}

function buttonNode(button) {
  if (button.kind === "url") {
    let url = null;
    try { url = new URL(button.value, location.href); } catch { url = null; }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
      return el("span", { class: "card-button", "data-testid": "card-button", "data-kind": "url", text: button.label });
    }
    return el("a", { class: "card-button", "data-testid": "card-button", "data-kind": "url", href: url.href, target: "_blank", rel: "noopener", text: button.label });
  }

  const node = el("button", { type: "button", class: "card-button", "data-testid": "card-button", "data-kind": "callback", text: button.label });
  node.addEventListener("click", guard(async () => {
    node.disabled = true;
    try {
      const answer = await call("POST", `/groups/${state.group.id}/presses`, { memberId: state.me.id, token: button.value });
      state.myPresses.add(answer.pressId);
      toast(answer.text);
    } finally {
      node.disabled = false;
    }
  }));
  return node;
}

function messageNode(message) {
  if (message.kind === "member") {
    const mine = state.me && message.memberId === state.me.id;
    return el("div", { class: mine ? "msg mine" : "msg" }, avatar(message.memberName, message.memberId || "?"),
      el("div", { class: "bubble" },
        mine ? null : el("div", { class: "author", text: message.memberName }),
        el("div", { class: "text", "data-testid": "message-text", text: message.text }),
        el("div", { class: "meta", text: timeOf(message) })));
  }

  const bot = avatar("G", "bot");
  bot.classList.add("bot-avatar");
  bot.textContent = "🤖";
  if (message.kind === "card") return el("div", { class: "msg" }, bot, cardNode(message));
  const body = message.kind === "document"
    ? el("div", { class: "text document" }, el("div", { text: message.text || "" }),
        el("a", { href: message.download, download: message.fileName, "data-testid": "document-link", text: "📄 " + message.fileName }))
    : el("div", { class: "text", "data-testid": "message-text", text: message.text });
  return el("div", { class: "msg" }, bot,
    el("div", { class: "bubble" }, el("div", { class: "author", text: "GroupPay bot" }), body, el("div", { class: "meta", text: timeOf(message) })));
}

function renderMessage(message, changed = false) {
  const list = $("messages");
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const node = messageNode(message);
  node.dataset.testid = "message";
  node.dataset.messageId = message.id;
  node.dataset.kind = message.kind;
  if (changed) node.classList.add("changed");
  const existing = list.querySelector(`[data-message-id="${CSS.escape(message.id)}"]`);
  if (existing) {
    existing.replaceWith(node);
  } else {
    const later = [...list.children].find((child) => (state.messages.get(child.dataset.messageId)?.sequence ?? 0) > message.sequence);
    list.insertBefore(node, later || null);
    if (nearBottom || (state.me && message.memberId === state.me.id)) list.scrollTop = list.scrollHeight;
  }
}

function upsert(message, changed = false) {
  const known = state.messages.get(message.id);
  if (known && !changed && known.edited === message.edited && known.text === message.text) return;
  state.messages.set(message.id, message);
  renderMessage(message, changed);
}

async function reloadMessages() {
  const messages = await call("GET", `/groups/${state.group.id}/messages`);
  state.messages.clear();
  $("messages").replaceChildren();
  for (const message of messages) upsert(message);
  if (messages.length === 0) $("messages").append(el("p", { class: "empty", text: "No messages yet. Pick a command on the left and send it." }));
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
}

// ---- live updates ------------------------------------------------------------------------------------------

function connect() {
  if (state.events) state.events.close();
  document.body.dataset.live = "false";
  const groupId = state.group.id;
  const events = new EventSource(`${api}/groups/${groupId}/events`);
  state.events = events;
  const mine = (handler) => (event) => { if (state.group.id === groupId) handler(JSON.parse(event.data)); };
  events.addEventListener("ready", mine(guard(async () => {
    await reloadMessages();
    document.body.dataset.live = "true";
  })));
  events.addEventListener("message-added", mine((message) => {
    document.querySelector(".messages .empty")?.remove();
    upsert(message);
  }));
  events.addEventListener("message-edited", mine((message) => upsert(message, true)));
  events.addEventListener("members-changed", mine((group) => setMembers(group)));
  events.addEventListener("toast", mine((answer) => {
    if (state.me && answer.memberId === state.me.id && !state.myPresses.has(answer.pressId)) toast(answer.text);
  }));
  events.onerror = () => { document.body.dataset.live = "false"; };
}

// ---- wiring ------------------------------------------------------------------------------------------------

function wire() {
  $("group-select").addEventListener("change", guard(async (event) => {
    const group = state.groups.find((g) => g.id === event.target.value) || await call("GET", `/groups/${event.target.value}`);
    await openGroup(group);
  }));
  $("new-group-form").addEventListener("submit", guard(async (event) => {
    event.preventDefault();
    const input = $("new-group-name");
    const group = await call("POST", "/groups", { name: input.value });
    input.value = "";
    await loadGroups(group.id);
  }));
  $("add-member-form").addEventListener("submit", guard(async (event) => {
    event.preventDefault();
    const input = $("new-member-name");
    await call("POST", `/groups/${state.group.id}/members`, { name: input.value });
    input.value = "";
    setMembers(await call("GET", `/groups/${state.group.id}`));
  }));
  $("composer").addEventListener("submit", guard(async (event) => {
    event.preventDefault();
    const input = $("command-input");
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    try {
      const message = await call("POST", `/groups/${state.group.id}/messages`, { memberId: state.me.id, text });
      document.querySelector(".messages .empty")?.remove();
      upsert(message);
    } catch (error) {
      input.value = text;
      throw error;
    }
  }));
  for (const example of document.querySelectorAll('[data-testid="example"]')) {
    example.addEventListener("click", () => {
      const input = $("command-input");
      input.value = example.dataset.example;
      if (narrow.matches) $("help").open = false;
      input.focus();
    });
  }
  if (narrow.matches) $("help").open = false;
}

wire();
guard(loadGroups)();
