extension ConsoleAssets {
    /// `app.js`: draws each page from the read API; text from webhooks only through `textContent`.
    static let script = #"""
        "use strict";
        // MemberLedger console: draws each page from the read API. Text from webhooks only ever goes through
        // textContent (never innerHTML), so a contact named <img src=x onerror=...> shows as text.
        (function () {
          const page = document.body.dataset.page;
          const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
          const main = document.getElementById("main");
          const commands = ["aal_genpass", "aal_updateuser", "aal_batchsync", "aal_fieldop", "aal_initiateteam",
            "aal_deleteteam", "aal_removeteam", "aal_updateteam", "aal_teamops", "aal_createcoupon",
            "aal_revokesubscription", "aal_cancelsubscription", "aal_adminstopsubscription", "aal_chargesubscription"];
          const outcomes = ["applied", "unchanged", "rejected", "duplicate"];

          function el(tag, attributes, ...children) {
            const node = document.createElement(tag);
            for (const [name, value] of Object.entries(attributes || {})) {
              if (value === null || value === undefined || value === false) continue;
              if (name === "class") node.className = value;
              else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
              else node.setAttribute(name, value === true ? "" : String(value));
            }
            for (const child of children.flat(Infinity)) {
              if (child === null || child === undefined || child === false) continue;
              node.append(child instanceof Node ? child : document.createTextNode(String(child)));
            }
            return node;
          }

          class APIError extends Error {
            constructor(status, message) { super(message); this.status = status; }
          }

          async function api(path) {
            const response = await fetch(path, { headers: { Accept: "application/json" }, credentials: "same-origin" });
            if (response.status === 401) { location.assign("/console/login"); throw new APIError(401, "log in"); }
            const body = await response.json().catch(() => ({ error: response.statusText }));
            if (!response.ok) throw new APIError(response.status, body.error || response.statusText);
            return body;
          }

          async function post(path, body) {
            const response = await fetch(path, {
              method: "POST", credentials: "same-origin",
              headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, Accept: "application/json" },
              body: JSON.stringify(body || {}),
            });
            const answer = await response.json().catch(() => ({}));
            if (!response.ok) throw new APIError(response.status, answer.error || response.statusText);
            return answer;
          }

          const enc = encodeURIComponent;
          function show(...nodes) { main.replaceChildren(...nodes.flat()); }
          function failure(error) { show(el("h1", {}, "Could not load"), el("p", { class: "error", role: "alert" }, error.message)); }
          function time(at) {
            if (!at) return "–";
            const date = new Date(at);
            return el("time", { datetime: at, title: at + " (UTC)" }, isNaN(date) ? at : date.toLocaleString());
          }
          function badge(text) { return el("span", { class: "badge " + text }, text); }
          function memberLink(id) { return el("a", { href: "/console/members/" + enc(id) }, id); }
          function eventLink(seq) { return el("a", { href: "/console/events/" + seq }, "#" + seq); }
          function facts(pairs) {
            return el("dl", { class: "facts" }, pairs.map(([name, value]) => [el("dt", {}, name), el("dd", {}, value ?? "–")]));
          }
          function table(headings, rows, attributes) {
            return el("table", attributes || {},
              el("thead", {}, el("tr", {}, headings.map((h) => el("th", { scope: "col" }, h)))),
              el("tbody", {}, rows));
          }
          function effectText(effect) {
            const rest = Object.entries(effect).filter(([k]) => k !== "type").map(([k, v]) => k + " " + (typeof v === "object" ? JSON.stringify(v) : v));
            return effect.type + (rest.length ? ": " + rest.join(", ") : "");
          }
          function localToISO(value) {
            if (!value) return "";
            const date = new Date(value);
            return isNaN(date) ? "" : date.toISOString();
          }
          function isoToLocal(value) {
            const date = new Date(value);
            if (!value || isNaN(date)) return "";
            const pad = (n) => String(n).padStart(2, "0");
            return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" + pad(date.getHours()) + ":" + pad(date.getMinutes());
          }

          for (const link of document.querySelectorAll("[data-nav]")) {
            if (link.dataset.nav === page) link.setAttribute("aria-current", "page");
          }
          const search = document.getElementById("member-search");
          if (search) search.value = new URLSearchParams(location.search).get("q") || "";

          // MARK: The Webhooks Log

          function logRow(entry, fresh) {
            return el("tr", { class: fresh ? "new" : null, "data-seq": entry.seq },
              el("td", {}, time(entry.at)),
              el("td", {}, eventLink(entry.seq)),
              el("td", { class: "mono" }, entry.command || entry.type),
              el("td", {}, (entry.contacts || []).map((id, i) => [i ? ", " : "", memberLink(id)])),
              el("td", {}, entry.dialect || "–"),
              el("td", {}, badge(entry.outcome), entry.duplicateOf ? [" of ", eventLink(entry.duplicateOf)] : null),
              el("td", {}, entry.reason || ""));
          }

          async function logPage() {
            const query = new URLSearchParams(location.search);
            const filter = {
              command: query.get("command") || "", contact: query.get("contact") || "", outcome: query.get("outcome") || "",
              since: query.get("since") || "", until: query.get("until") || "",
            };
            const apiQuery = new URLSearchParams();
            for (const name of ["command", "contact", "outcome"]) if (filter[name]) apiQuery.set(name, filter[name]);
            if (localToISO(filter.since)) apiQuery.set("since", localToISO(filter.since));
            if (localToISO(filter.until)) apiQuery.set("until", localToISO(filter.until));
            apiQuery.set("limit", "50");
            const select = (name, label, choices) => el("label", {}, label,
              el("select", { name }, el("option", { value: "" }, "any"),
                choices.map((c) => el("option", { value: c, selected: filter[name] === c }, c))));
            const form = el("form", { class: "filters", method: "get", action: "/console/" },
              select("command", "Command", commands),
              el("label", {}, "Contact", el("input", { name: "contact", value: filter.contact, size: 10 })),
              select("outcome", "Outcome", outcomes),
              el("label", {}, "Since", el("input", { name: "since", type: "datetime-local", value: filter.since })),
              el("label", {}, "Until", el("input", { name: "until", type: "datetime-local", value: filter.until })),
              el("button", { type: "submit" }, "Filter"),
              el("a", { href: "/console/" }, "Clear"));
            const live = el("span", { class: "live off", role: "status" }, "connecting…");
            const body = el("tbody", {});
            const older = el("button", { type: "button", class: "quiet", hidden: true }, "Older events");
            show(el("h1", {}, "Webhooks Log ", live), form,
              el("table", { class: "log" },
                el("thead", {}, el("tr", {}, ["Time", "Seq", "Command", "Contacts", "CRM dialect", "Outcome", "Reason"].map((h) => el("th", { scope: "col" }, h)))),
                body),
              el("p", {}, older));
            let next = "/api/log?" + apiQuery.toString();
            let newest = null;
            async function more() {
              older.disabled = true;
              const result = await api(next);
              // The feed starts at the log's head when the first page was read, whatever the filter matched.
              if (newest === null) newest = result.head;
              for (const entry of result.events) body.append(logRow(entry, false));
              if (!result.events.length && !body.children.length) {
                body.append(el("tr", { class: "empty" }, el("td", { colspan: 7, class: "muted" }, "No events match.")));
              }
              next = result.next;
              older.hidden = !next;
              older.disabled = false;
            }
            older.addEventListener("click", () => more().catch(failure));
            await more();
            // New rows arrive live; those that match the filters go on top. A range that ends in the past has
            // nothing to wait for.
            if (filter.until && new Date(filter.until) <= new Date()) {
              live.textContent = "";
              return;
            }
            const source = new EventSource("/api/stream?from=" + newest);
            source.addEventListener("open", () => { live.textContent = "live"; live.className = "live"; });
            source.addEventListener("error", () => { live.textContent = "reconnecting…"; live.className = "live off"; });
            source.addEventListener("ledger", (message) => {
              const entry = JSON.parse(message.data);
              if (entry.seq <= newest) return;
              newest = entry.seq;
              if (filter.command && entry.command !== filter.command && entry.type !== filter.command) return;
              if (filter.contact && !(entry.contacts || []).includes(filter.contact)) return;
              if (filter.outcome && entry.outcome !== filter.outcome) return;
              if (filter.until && new Date(entry.at) >= new Date(filter.until)) return;
              const empty = body.querySelector("tr.empty");
              if (empty) empty.remove();
              body.prepend(logRow(entry, true));
            });
          }

          // MARK: One event

          async function eventPage(seq) {
            const detail = await api("/api/events/" + enc(seq));
            const event = detail.event;
            const outcome = detail.outcome;
            const request = (event.data || {}).request;
            show(
              el("h1", {}, "Event #" + detail.seq + " ", badge(outcome.outcome)),
              el("div", { class: "grid" },
                el("section", { class: "panel" }, el("h2", {}, "What was recorded"),
                  facts([["Recorded", time(event.at)], ["Type", event.type], ["Command", (event.data || {}).operation],
                    ["Reason", outcome.reason], ["Duplicate of", outcome.duplicateOf ? eventLink(outcome.duplicateOf) : null]])),
                el("section", { class: "panel" }, el("h2", {}, "Effects"),
                  outcome.effects.length
                    ? el("ul", {}, outcome.effects.map((e) => el("li", {}, effectText(e))))
                    : el("p", { class: "muted" }, "No effects."),
                  (outcome.transitions || []).length ? [el("h2", {}, "Time transitions before it"),
                    el("ul", {}, outcome.transitions.map((t) => el("li", {}, time(t.at), " ", effectText(t.effect))))] : null)),
              el("section", {}, el("h2", {}, "CRM deliveries"),
                detail.crm.queued.length || detail.crm.attempts.length
                  ? table(["Item", "Action", "Status", "Attempts", "Last error"],
                    detail.crm.queued.map((item) => el("tr", {}, el("td", {}, item.id), el("td", {}, item.action),
                      el("td", {}, badge(item.status)), el("td", {}, item.attempts), el("td", {}, item.lastError || ""))))
                  : el("p", { class: "muted" }, "Nothing waits for the CRM from this event."),
                detail.crm.attempts.length ? el("ul", {}, detail.crm.attempts.map((a) => el("li", {}, eventLink(a.seq), " ", a.type, " ", time(a.at)))) : null),
              el("section", {}, el("h2", {}, "The kept request (redacted)"),
                request ? facts([["Method", request.method], ["Target", el("code", {}, request.target)], ["Dialect", request.dialect]]) : el("p", { class: "muted" }, "Not a webhook."),
                el("h2", {}, "The stored record"), el("pre", {}, JSON.stringify(event, null, 2))));
          }

          // MARK: Members

          async function memberPage(id) {
            const query = new URLSearchParams(location.search);
            const asOf = query.get("asOf") || "";
            // A full RFC 3339 time (a link from elsewhere) is kept to the microsecond; the form's local time is converted.
        const asOfISO = /([zZ]|[+-]\d\d:\d\d)$/.test(asOf) ? asOf : (localToISO(asOf) || asOf);
            const [member, history, crm, crmLog] = await Promise.all([
              api("/api/members/" + enc(id) + (asOfISO ? "?asOf=" + enc(asOfISO) : "")).catch((e) => e),
              api("/api/members/" + enc(id) + "/history").catch(() => ({ history: [] })),
              api("/api/crm?contact=" + enc(id)).catch(() => ({ contact: { items: [] } })),
              api("/api/log?limit=200&contact=" + enc(id)).catch(() => ({ events: [] })),
            ]);
            const asOfForm = el("form", { class: "filters", method: "get", action: "/console/members/" + enc(id) },
              el("label", {}, "State as of", el("input", { name: "asOf", type: "datetime-local", value: asOf ? isoToLocal(asOfISO) : "" })),
              el("button", { type: "submit" }, "Show"), asOf ? el("a", { href: "/console/members/" + enc(id) }, "Now") : null);
            const heading = el("h1", {}, "Member ", el("span", { class: "mono" }, id));
            if (member instanceof Error) {
              show(heading, asOfForm, el("p", { class: member.status === 404 ? "notice" : "error", role: "alert" }, member.message));
              return;
            }
            const notice = asOf ? el("p", { class: "notice", role: "note" }, "This is the state as of ", time(asOfISO), ", not now.") : null;
            const fields = Object.entries(member.fields || {});
        // As of an instant, the timeline stops there too.
        const until = asOf ? new Date(asOfISO) : null;
        const timeline = history.history.filter((h) => !until || new Date(h.at) <= until).reverse();
            show(heading, notice, asOfForm,
              el("div", { class: "grid" },
                el("section", { class: "panel" }, el("h2", {}, "Profile"),
                  facts([["Contact id", member.contactId], ["Email", member.email], ["First name", member.firstName],
                    ["Last name", member.lastName], ["Joined", time(member.joinedAt)], ["Password set", member.passwordSet ? "yes" : "no"]])),
                el("section", { class: "panel" }, el("h2", {}, "Tags"),
                  member.tags.length ? el("ul", { class: "tags" }, member.tags.map((t) => el("li", {}, t))) : el("p", { class: "muted" }, "No tags."),
                  el("h2", {}, "Fields"), fields.length ? facts(fields) : el("p", { class: "muted" }, "No fields."))),
              el("h2", {}, "Teams"),
              member.teams.length ? table(["Team", "Role", "Leader", "Seats", "Members"], member.teams.map((t) => el("tr", {},
                el("td", {}, el("a", { href: "/console/teams/" + enc(t.teamId) + "/" + enc(t.leaderContactId) }, t.teamId)),
                el("td", {}, t.role), el("td", {}, memberLink(t.leaderContactId)), el("td", {}, t.seats),
                el("td", {}, t.members.map((m, i) => [i ? ", " : "", memberLink(m)])))))
                : el("p", { class: "muted" }, "On no team."),
              el("h2", {}, "Subscriptions"),
              member.subscriptions.length ? table(["Product", "Status", "Gateway", "Balance", "Period end"], member.subscriptions.map((s) => el("tr", {},
                el("td", {}, s.productId), el("td", {}, badge(s.status)), el("td", {}, s.gateway), el("td", {}, s.balance), el("td", {}, time(s.periodEnd)))))
                : el("p", { class: "muted" }, "No subscriptions."),
              el("h2", {}, "Coupons"),
              member.coupons.length ? table(["Code", "Promo", "Status", "Expires"], member.coupons.map((c) => el("tr", {},
                el("td", { class: "mono" }, c.code), el("td", {}, c.promoId), el("td", {}, badge(c.status)), el("td", {}, time(c.expiresAt)))))
                : el("p", { class: "muted" }, "No coupons."),
              el("h2", {}, "CRM deliveries (now)"),
              crmSection(crm, crmLog),
              el("h2", {}, "Timeline"),
              timeline.length ? table(["Time", "Seq", "What", "Outcome", "Effects"], timeline.map((h) => el("tr", {},
                el("td", {}, time(h.at)), el("td", {}, h.seq ? eventLink(h.seq) : "⏱"), el("td", { class: "mono" }, h.type || (h.effect ? h.effect.type : "")),
                el("td", {}, h.outcome ? badge(h.outcome) : ""), el("td", {}, (h.effects || []).map((e) => el("div", {}, effectText(e))), h.reason || ""))))
                : el("p", { class: "muted" }, "No events name this contact."));
          }

          // What waits for the CRM for this member, and the CRM's recent answers about them.
          function crmSection(crm, crmLog) {
            const items = (crm.contact || { items: [] }).items;
            const answers = crmLog.events.filter((e) => e.type.startsWith("crm."));
            if (!items.length && !answers.length) {
              return el("p", { class: "muted" }, crm.connected ? "Nothing waits for the CRM." : "No CRM is connected.");
            }
            return [
              items.length ? table(["Item", "From", "Action", "Status", "Attempts", "Last error"], items.map((item) => el("tr", {},
                el("td", {}, item.id), el("td", {}, eventLink(item.seq)),
                el("td", {}, item.action + (item.tag ? " " + item.tag : "") + (item.field ? " " + item.field : "")),
                el("td", {}, badge(item.status)), el("td", {}, item.attempts), el("td", {}, item.lastError || "")))) : null,
              answers.length ? el("ul", {}, answers.slice(0, 20).map((e) => el("li", {}, time(e.at), " ", eventLink(e.seq), " ", e.type, " ", badge(e.outcome)))) : null,
            ];
          }

          async function memberSearch() {
            const query = new URLSearchParams(location.search);
            const text = (query.get("q") || "").trim();
            const apiQuery = new URLSearchParams({ limit: "50" });
            if (text.startsWith("tag:")) apiQuery.set("tag", text.slice(4)); else if (text) apiQuery.set("q", text);
            if (query.get("after")) apiQuery.set("after", query.get("after"));
            const result = await api("/api/members?" + apiQuery.toString());
            const rows = result.members.map((m) => el("tr", {}, el("td", {}, memberLink(m.contactId)), el("td", {}, m.email || "–"),
              el("td", {}, [m.firstName, m.lastName].filter(Boolean).join(" ") || "–"),
              el("td", {}, el("ul", { class: "tags" }, m.tags.map((t) => el("li", {}, t))))));
            const nextQuery = result.next ? new URLSearchParams({ q: text, after: result.members[result.members.length - 1].contactId }) : null;
            show(el("h1", {}, text ? "Members matching “" + text + "”" : "Members"),
              rows.length ? table(["Contact id", "Email", "Name", "Tags"], rows) : el("p", { class: "muted" }, "No member matches."),
              nextQuery ? el("p", {}, el("a", { href: "/console/members?" + nextQuery.toString() }, "More")) : null);
          }

          async function teamPage(program, leader) {
            const team = await api("/api/teams/" + enc(program) + "/" + enc(leader));
            show(el("h1", {}, "Team " + team.teamId + " led by ", memberLink(team.leaderContactId)),
              el("section", { class: "panel" }, facts([["Leader", memberLink(team.leaderContactId)], ["Seats", team.seats],
                ["Seats used", team.seatsUsed], ["Seats free", team.seatsFree], ["Created", time(team.createdAt)]])),
              el("h2", {}, "Members"),
              team.members.length ? el("ul", {}, team.members.map((m) => el("li", {}, memberLink(m)))) : el("p", { class: "muted" }, "No members yet."));
          }

          // MARK: Webhook Generator

          async function generatorPage() {
            const query = new URLSearchParams(location.search);
            const catalog = await api("/api/generator");
            let command = query.get("command") || "aal_genpass";
            if (!command.startsWith("aal_")) command = "aal_" + command;
            const aliases = { team: "teamId", change: "change", operation: "operationId", op: "opId", promo: "promoId", product: "productId" };
            const values = {};
            for (const [name, value] of query) values[aliases[name] || name] = value;
            const commandSelect = el("select", { id: "gen-command", name: "command" },
              catalog.commands.map((c) => el("option", { value: c.name, selected: c.name === command }, c.name)));
            const crmSelect = el("select", { id: "gen-crm", name: "crm" },
              catalog.crms.map((c) => el("option", { value: c.id, selected: c.id === (query.get("crm") || "keap") }, c.name)));
            const parameters = el("div", { class: "filters" });
            const url = el("output", { id: "gen-url", class: "mono", "aria-live": "polite" });
            const copied = el("span", { id: "gen-copied", class: "muted", role: "status" });
            const copy = el("button", { type: "button", id: "gen-copy" }, "Copy");
            const steps = el("p", { id: "gen-steps" });
            function drawParameters() {
              const chosen = catalog.commands.find((c) => c.name === commandSelect.value);
              parameters.replaceChildren(...chosen.parameters.map((p) => el("label", {}, p,
                el("input", { name: p, "data-parameter": p, value: values[p] || "", size: 8, pattern: "[A-Za-z0-9_-]*" }))));
              for (const input of parameters.querySelectorAll("input")) input.addEventListener("input", () => { values[input.name] = input.value; refresh(); });
            }
            async function refresh() {
              const chosen = catalog.commands.find((c) => c.name === commandSelect.value);
              const request = new URLSearchParams({ command: chosen.name, crm: crmSelect.value });
              for (const p of chosen.parameters) if (values[p]) request.set(p, values[p]);
              try {
                const made = await api("/api/generator?" + request.toString());
                url.value = made.url;
                url.textContent = made.url;
                steps.textContent = made.steps;
              } catch (error) {
                url.textContent = "";
                steps.textContent = error.message;
              }
              copied.textContent = "";
            }
            commandSelect.addEventListener("change", () => { drawParameters(); refresh(); });
            crmSelect.addEventListener("change", refresh);
            copy.addEventListener("click", async () => {
              const text = url.textContent;
              try {
                await navigator.clipboard.writeText(text);
                copied.textContent = "Copied";
              } catch (error) {
                const range = document.createRange();
                range.selectNodeContents(url);
                const selection = getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                copied.textContent = document.execCommand("copy") ? "Copied" : "Selected: press Ctrl+C to copy";
              }
            });
            show(el("h1", {}, "Webhook Generator"),
              el("p", { class: "muted" }, "The URL a CRM calls for a command. It carries the handshake: keep it in the CRM's settings only."),
              el("div", { class: "filters" }, el("label", { for: "gen-command" }, "Command", commandSelect),
                el("label", { for: "gen-crm" }, "CRM", crmSelect)),
              parameters,
              el("div", { class: "url" }, url, copy, copied),
              el("h2", {}, "In the CRM"), steps,
              el("p", { class: "muted" }, "Base URL: ", el("code", {}, catalog.base)));
            drawParameters();
            await refresh();
          }

          // MARK: Health

          async function healthPage() {
            const status = el("p", { role: "status", class: "muted" });
            async function act(path, label) {
              status.textContent = label + "…";
              try {
                const answer = await post(path, {});
                status.textContent = answer.message || label + ": done";
              } catch (error) {
                status.textContent = label + " failed: " + error.message;
              }
              draw().catch(failure);
            }
            async function draw() {
              const [journal, crm] = await Promise.all([api("/api/journal"), api("/api/crm")]);
              const verification = journal.verification || {};
              const progress = verification.running
                ? el("progress", { max: verification.totalBytes || 1, value: verification.bytesRead || 0 }, "verifying")
                : null;
              const lastSnapshot = journal.snapshots.length ? journal.snapshots[journal.snapshots.length - 1] : null;
              show(el("h1", {}, "Health"),
                el("div", { class: "grid" },
                  el("section", { class: "panel" }, el("h2", {}, "Journal"),
                    facts([["Head seq", journal.head.seq], ["Chain hash", el("code", {}, journal.head.chainHash)],
                      ["Size", journal.bytes.toLocaleString() + " bytes"], ["Last snapshot", lastSnapshot ? "seq " + lastSnapshot.seq : "none"],
                      ["fsync", journal.fsync.meanMilliseconds + " ms mean, " + journal.fsync.maxMilliseconds + " ms max over " + journal.fsync.syncs],
                      ["Quarantined files", journal.quarantine.length ? journal.quarantine.join(", ") : "none"],
                      ["Last verification", verification.result ? verification.result : (verification.running ? "running" : "not run since start")]]),
                    el("p", {}, el("button", { type: "button", id: "verify-now", disabled: !!verification.running, onclick: () => act("/console/actions/verify", "Verify") }, "Verify now"), " ",
                      el("button", { type: "button", id: "snapshot-now", class: "quiet", onclick: () => act("/console/actions/snapshot", "Snapshot") }, "Snapshot now"), " ", progress)),
                  el("section", { class: "panel" }, el("h2", {}, "CRM"),
                    facts([["Connection", crm.connected ? crm.crm : "none"], ["Outbox depth", crm.outboxDepth], ["Dead letters", crm.deadLetters.length]]),
                    crm.deadLetters.length ? [table(["Item", "Contact", "Action", "Last error", ""], crm.deadLetters.map((item) => el("tr", {},
                      el("td", {}, item.id), el("td", {}, memberLink(item.contactId)), el("td", {}, item.action), el("td", {}, item.lastError || ""),
                      el("td", {}, el("button", { type: "button", class: "quiet", onclick: () => act("/console/actions/retry?item=" + item.id, "Retry") }, "Retry"))))),
                      el("p", {}, el("button", { type: "button", onclick: () => act("/console/actions/retry", "Retry all") }, "Retry all dead letters"))] : null)),
                status);
              if (verification.running) setTimeout(() => draw().catch(failure), 500);
            }
            await draw();
          }

          // MARK: Routing

          let parts;
          try {
            parts = location.pathname.split("/").slice(2).map(decodeURIComponent);
          } catch (error) {
            parts = [];
            failure(new Error("This address has a malformed %-escape."));
          }
          let work;
          if (page === "log") work = logPage();
          else if (page === "event") work = eventPage(parts[1]);
          else if (page === "member") work = parts[1] ? memberPage(parts[1]) : memberSearch();
          else if (page === "team") work = teamPage(parts[1], parts[2]);
          else if (page === "generator") work = generatorPage();
          else if (page === "health") work = healthPage();
          if (work) work.catch((error) => { if (!(error instanceof APIError && error.status === 401)) failure(error); });
        })();

        """#
}
