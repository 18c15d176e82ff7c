// A fake anywidget model for pages that mount the bundled widget without Jupyter: the test
// harness (tests/browser/harness.html) and the benchmark page (bench/widget_harness.html).
// Like Backbone (which anywidget's model follows): set() fires "change:<name>" synchronously,
// and only when the value really changes. Subclasses choose what a front-end set or a custom
// message records (recordSet / recordSend).
export class FakeModel {
  constructor(state) {
    this.state = state;
    this.handlers = new Map();
    this.frontendSets = [];
    this.saves = 0;
    this.sent = [];
  }
  get(name) { return this.state[name]; }
  set(name, value) {
    this.frontendSets.push(this.recordSet(name, JSON.parse(JSON.stringify(value))));
    this.update(name, value);
  }
  recordSet(name, copy) { return [name, copy]; }
  // Several traits at once, as one kernel message: all are set before any change event fires.
  updateMany(values) {
    const changed = Object.keys(values).filter((k) => values[k] instanceof DataView ||
      JSON.stringify(this.state[k]) !== JSON.stringify(values[k]));
    Object.assign(this.state, values);
    for (const name of changed)
      for (const cb of [...(this.handlers.get(`change:${name}`) ?? [])]) cb(this, values[name]);
  }
  update(name, value) {
    if (JSON.stringify(this.state[name]) === JSON.stringify(value) && !(value instanceof DataView)) return;
    this.state[name] = value;
    for (const cb of [...(this.handlers.get(`change:${name}`) ?? [])]) cb(this, value);
    for (const cb of [...(this.handlers.get("change") ?? [])]) cb(this);
  }
  on(event, cb) {
    if (!this.handlers.has(event)) this.handlers.set(event, []);
    this.handlers.get(event).push(cb);
  }
  off(event, cb) {
    if (!event) { this.handlers.clear(); return; }
    if (!cb) { this.handlers.delete(event); return; }
    this.handlers.set(event, (this.handlers.get(event) ?? []).filter((h) => h !== cb));
  }
  save_changes() { this.saves++; }
  send(content, callbacks, buffers) { this.sent.push(this.recordSend(content)); }
  recordSend(content) { return content; }
  listenerCount() { let n = 0; for (const h of this.handlers.values()) n += h.length; return n; }
}
