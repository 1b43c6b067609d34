/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';

/** Plain, accessible HTML: no client framework, no external assets. */
export function Layout({
  title,
  workspace,
  children,
}: {
  title: string;
  workspace: string;
  children: Child;
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${workspace}`}</title>
        <style>{STYLE}</style>
      </head>
      <body>
        <main>
          <p class="workspace">{workspace}</p>
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1b1f24; }
main { max-width: 40rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: 8px; }
.workspace { color: #57606a; margin: 0; }
label { display: block; margin-top: 1rem; font-weight: 600; }
input { display: block; width: 100%; padding: .5rem; margin-top: .25rem; font-size: 1rem; box-sizing: border-box; }
button { margin-top: 1rem; padding: .5rem 1rem; font-size: 1rem; cursor: pointer; }
.error { color: #a40e26; background: #ffebe9; padding: .75rem; border-radius: 6px; }
.notice { color: #0a3069; background: #ddf4ff; padding: .75rem; border-radius: 6px; }
.hint { color: #57606a; margin: .25rem 0 0; }
code { word-break: break-all; }
table { width: 100%; border-collapse: collapse; margin-top: 1rem; }
th, td { text-align: left; padding: .5rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }
td form button { margin: 0; }
`;
