/**
 * The pages the redirect answers itself (unknown, expired, locked link):
 * tiny self-contained HTML, so they cost no trip through Next and still look
 * like Hop (the same palette and type as the app's Tailwind theme).
 */
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · Hop</title><link rel="icon" href="/icon.svg">
<style>
*{box-sizing:border-box}body{margin:0;min-height:100vh;display:grid;place-items:center;padding:1.5rem;background:#f8fafc;color:#0f172a;font:16px/1.5 ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{width:100%;max-width:26rem;background:#fff;border:1px solid #e2e8f0;border-radius:.75rem;padding:2rem;box-shadow:0 1px 2px rgb(0 0 0/.05)}
h1{font-size:1.25rem;margin:.5rem 0}p{color:#475569;margin:.5rem 0 1rem}.brand{font-weight:700;color:#4f46e5;text-decoration:none}
code{background:#f1f5f9;border-radius:.25rem;padding:.1rem .35rem}label{display:block;font-weight:500;margin-bottom:.35rem}
input{width:100%;padding:.55rem .75rem;border:1px solid #cbd5e1;border-radius:.5rem;font:inherit}
input:focus-visible,button:focus-visible,a:focus-visible{outline:2px solid #4f46e5;outline-offset:2px}
button{margin-top:1rem;width:100%;padding:.6rem 1rem;border:0;border-radius:.5rem;background:#4f46e5;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button:hover{background:#4338ca}.error{color:#b91c1c;font-size:.875rem;margin:.35rem 0 0}
@media (prefers-color-scheme:dark){body{background:#020617;color:#e2e8f0}main{background:#0f172a;border-color:#1e293b}p{color:#94a3b8}code{background:#1e293b}input{background:#020617;color:#e2e8f0;border-color:#334155}}
</style></head>
<body><main><a class="brand" href="/">Hop</a>${body}</main></body></html>`;
}

export function linkNotFoundPage(slug: string): string {
  return page(
    "Link not found",
    `<h1>This short link does not exist</h1><p>Nothing is behind <code>/${escapeHtml(slug)}</code>. It may have been mistyped, or removed by its owner.</p><p><a href="/">Go to Hop</a></p>`,
  );
}

export function linkExpiredPage(slug: string): string {
  return page(
    "Link expired",
    `<h1>This link has expired</h1><p>The owner of <code>/${escapeHtml(slug)}</code> set it to stop working, and that time has passed.</p>`,
  );
}

/** `referrer`: the page the visitor came from (already checked), sent back with the password so the click keeps it. */
export function linkUnlockPage(slug: string, error: string | null, referrer: string | null): string {
  const errorId = "password-error";
  return page(
    "Password required",
    `<h1>This link is protected</h1><p>Enter the password its owner gave you to continue to <code>/${escapeHtml(slug)}</code>.</p>
<form method="post" action="/${escapeHtml(slug)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" required autofocus autocomplete="current-password"${error ? ` aria-invalid="true" aria-describedby="${errorId}"` : ""}>
${error ? `<p class="error" id="${errorId}" role="alert">${escapeHtml(error)}</p>` : ""}
${referrer ? `<input type="hidden" name="referrer" value="${escapeHtml(referrer)}">` : ""}
<button type="submit">Continue</button></form>`,
  );
}

export function linkUnavailablePage(): string {
  return page("Temporarily unavailable", `<h1>Hop cannot answer right now</h1><p>This link could not be looked up just now. Try again in a moment.</p>`);
}
