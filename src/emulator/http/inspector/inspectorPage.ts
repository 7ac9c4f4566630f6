/** The inspector's HTML page: a shell that the script (`/inspector/inspector.js`) fills from the event stream. */
export const inspectorPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>servicebus-rx inspector</title>
<style>
  :root { font: 14px/1.4 system-ui, sans-serif; color: #1d2330; background: #f4f6f9; }
  body { margin: 0; }
  header { background: #1d2330; color: #fff; padding: 10px 20px; display: flex; gap: 24px; align-items: baseline; }
  header h1 { font-size: 17px; margin: 0; }
  header .status { color: #9fb3d1; }
  header .status.live::before { content: '● '; color: #4cd28c; }
  main { padding: 16px 20px; display: grid; gap: 16px; }
  section.entity { background: #fff; border: 1px solid #d8dee8; border-radius: 6px; padding: 12px 16px; }
  section.entity h2 { font-size: 16px; margin: 0 0 8px; }
  .tag { font-size: 11px; background: #e4ecfb; color: #2a4d8f; border-radius: 3px; padding: 1px 6px; margin-left: 6px; vertical-align: middle; }
  .counts { display: flex; gap: 8px; margin-bottom: 8px; }
  .count { border: 1px solid #d8dee8; border-radius: 4px; padding: 4px 10px; min-width: 70px; }
  .count b { display: block; font-size: 18px; }
  .count span { font-size: 11px; color: #5b6475; text-transform: uppercase; }
  table { border-collapse: collapse; width: 100%; margin: 4px 0 10px; font-size: 13px; }
  th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #edf0f4; vertical-align: top; }
  th { color: #5b6475; font-weight: 600; font-size: 12px; }
  td.body { font-family: ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; max-width: 420px; }
  .lock { display: inline-block; width: 90px; height: 6px; background: #edf0f4; border-radius: 3px; vertical-align: middle; margin-right: 6px; }
  .lock i { display: block; height: 100%; background: #4a7fe0; border-radius: 3px; }
  .countdown { font-variant-numeric: tabular-nums; }
  h3 { font-size: 13px; margin: 8px 0 2px; color: #3c4556; }
  form.send { display: flex; flex-wrap: wrap; gap: 6px; align-items: flex-start; }
  form.send textarea { width: 260px; height: 38px; }
  form.send textarea.props { width: 180px; }
  button { cursor: pointer; }
  .error { color: #b3261e; }
  .empty { color: #8a93a3; font-style: italic; }
</style>
</head>
<body>
<header><h1>servicebus-rx inspector</h1><span class="status" id="status">connecting…</span><span id="clock"></span></header>
<main id="entities"></main>
<script type="module" src="/inspector/inspector.js"></script>
</body>
</html>
`;
