/// The console's HTML pages and its stylesheet, embedded in the binary (no CDN, no build step, works
/// offline); the script is in `ConsoleAssets+Script.swift`.
///
/// Pages hold no inline script or style (the CSP forbids both) and nothing that came from a webhook: the
/// shell is the same for every page, and `app.js` fills it from the read API with `textContent` only.
enum ConsoleAssets {
    /// The shell of a page: `data-page` tells `app.js` what to draw; the CSRF token rides in a meta tag.
    static func shell(page: String, csrf: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="csrf-token" content="\(csrf)">
        <title>MemberLedger</title>
        <link rel="stylesheet" href="/console/app.css">
        <link rel="icon" href="/console/icon.svg" type="image/svg+xml">
        <script src="/console/app.js" defer></script>
        </head>
        <body data-page="\(page)">
        <a class="skip" href="#main">Skip to content</a>
        <header class="bar">
        <a class="brand" href="/console/">MemberLedger</a>
        <nav aria-label="Console">
        <a href="/console/" data-nav="log">Webhooks Log</a>
        <a href="/console/generator" data-nav="generator">Webhook Generator</a>
        <a href="/console/health" data-nav="health">Health</a>
        </nav>
        <form class="search" role="search" action="/console/members" method="get">
        <label for="member-search" class="visually-hidden">Find a member</label>
        <input id="member-search" name="q" type="search" placeholder="Member id, email or tag:NAME" autocomplete="off">
        <button type="submit">Find</button>
        </form>
        <form class="logout" action="/console/logout" method="post">
        <input type="hidden" name="csrf" value="\(csrf)">
        <button type="submit">Log out</button>
        </form>
        </header>
        <main id="main" tabindex="-1"><p class="muted">Loading…</p></main>
        </body>
        </html>

        """
    }

    /// The login form; `message` says why the last try failed.
    static func login(message: String?) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Log in · MemberLedger</title>
        <link rel="stylesheet" href="/console/app.css">
        <link rel="icon" href="/console/icon.svg" type="image/svg+xml">
        </head>
        <body class="login-page">
        <main id="main" class="login">
        <h1>MemberLedger</h1>
        <p class="muted">The admin token is in the data folder's <code>admin-token</code> file (or
        <code>MEMBERLEDGER_ADMIN_TOKEN</code>). It is not the handshake.</p>
        \(message.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? "")
        <form method="post" action="/console/login">
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
        <button type="submit">Log in</button>
        </form>
        </main>
        </body>
        </html>

        """
    }

    /// An unknown console path.
    static let notFound = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Not found · MemberLedger</title>
        <link rel="stylesheet" href="/console/app.css">
        <link rel="icon" href="/console/icon.svg" type="image/svg+xml"></head>
        <body><main id="main"><h1>Not found</h1><p><a href="/console/">Back to the Webhooks Log</a></p></main></body>
        </html>

        """

    /// The tab's icon: a ledger's ruled page.
    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="2" y="1" width="12" height="14" rx="2" \
        fill="#1d2330"/><path d="M5 5h6M5 8h6M5 11h4" stroke="#fff" stroke-width="1.2"/></svg>

        """

    /// The stylesheet: calm, dense, readable; one column under 700 px.
    static let style = """
        :root {
          --ink: #1d2330; --muted: #5d6677; --line: #d9dee7; --paper: #ffffff; --wash: #f5f7fa;
          --accent: #2456a6; --good: #1f7a45; --warn: #9a6200; --bad: #b3261e; --info: #4b5563;
          font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
          background: var(--wash);
        }
        * { box-sizing: border-box; }
        body { margin: 0; }
        a { color: var(--accent); }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible {
          outline: 2px solid var(--accent); outline-offset: 2px;
        }
        code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
        .skip { position: absolute; left: -9999px; }
        .skip:focus { left: 8px; top: 8px; background: var(--paper); padding: 4px 8px; z-index: 2; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        .bar {
          display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding: 8px 16px;
          background: var(--ink); color: #fff;
        }
        .bar a { color: #dfe6f3; text-decoration: none; }
        .bar a[aria-current="page"] { color: #fff; text-decoration: underline; }
        .brand { font-weight: 600; color: #fff !important; margin-right: 8px; }
        .bar nav { display: flex; gap: 14px; flex-wrap: wrap; }
        .search { margin-left: auto; display: flex; gap: 4px; }
        .search input { width: 16rem; max-width: 50vw; }
        .logout button { background: transparent; color: #dfe6f3; border-color: #5d6677; }
        main { padding: 16px; max-width: 1280px; margin: 0 auto; }
        h1 { font-size: 20px; margin: 4px 0 12px; }
        h2 { font-size: 15px; margin: 20px 0 8px; }
        input, select, button {
          font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 4px; background: var(--paper);
          color: var(--ink);
        }
        button { cursor: pointer; background: var(--accent); color: #fff; border-color: var(--accent); }
        button.quiet { background: var(--paper); color: var(--accent); }
        button[disabled] { opacity: .5; cursor: default; }
        .filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin-bottom: 12px; }
        .filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
        .panel { background: var(--paper); border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
        .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 12px; }
        table { width: 100%; border-collapse: collapse; background: var(--paper); border: 1px solid var(--line); }
        th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: 12px; color: var(--muted); font-weight: 600; background: var(--wash); }
        tr.new { animation: arrive 2s ease-out; }
        @keyframes arrive { from { background: #fff6d6; } to { background: transparent; } }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        .badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; border: 1px solid; }
        .badge.applied, .badge.active, .badge.delivered { color: var(--good); }
        .badge.unchanged, .badge.paused, .badge.pending { color: var(--info); }
        .badge.rejected, .badge.revoked, .badge.dead, .badge.failed { color: var(--bad); }
        .badge.duplicate, .badge.cancelled { color: var(--warn); }
        .tags { display: flex; flex-wrap: wrap; gap: 4px; padding: 0; margin: 0; list-style: none; }
        .tags li { background: var(--wash); border: 1px solid var(--line); border-radius: 4px; padding: 0 6px; }
        .muted { color: var(--muted); }
        .error { color: var(--bad); }
        .notice { background: #fff6d6; border: 1px solid #e8d48a; padding: 8px 12px; border-radius: 6px; }
        .live { font-size: 12px; color: var(--good); }
        .live.off { color: var(--muted); }
        pre { background: var(--wash); border: 1px solid var(--line); padding: 8px; overflow: auto; white-space: pre-wrap; }
        .url { display: flex; gap: 8px; align-items: center; }
        .url output { flex: 1; padding: 6px 8px; background: var(--wash); border: 1px solid var(--line); overflow-wrap: anywhere; }
        .login { max-width: 420px; margin: 10vh auto; background: var(--paper); border: 1px solid var(--line);
          border-radius: 8px; padding: 24px; }
        .login form { display: flex; flex-direction: column; gap: 8px; }
        progress { width: 240px; }
        @media (max-width: 700px) {
          .search { margin-left: 0; width: 100%; }
          .search input { flex: 1; max-width: none; }
          table.log thead { display: none; }
          table.log tr { display: block; border-bottom: 1px solid var(--line); padding: 4px 0; }
          table.log td { display: inline-block; border: 0; padding: 2px 6px; }
        }

        """
}
