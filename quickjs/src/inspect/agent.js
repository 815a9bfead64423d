// The inspector's agent: evaluated once per context (as a sloppy script
// named <inspector>, never visible to the page's code), it turns JS values
// into the protocol's RemoteObjects and keeps the objects a client holds
// ids for, by group. The Rust side calls its functions with the debugger
// quiet (no breakpoint, step or exception pauses while it runs) and takes
// their results as JSON text.
(function (native) {
  const objects = new Map();
  const groups = new Map();
  let next = 1;
  const stringify = JSON.stringify;
  const toStr = Object.prototype.toString;
  const evalWith = new Function('__scope', '__expr', 'with (__scope) { return eval(__expr); }');

  function remember(v, group) {
    const id = String(next++);
    objects.set(id, v);
    let g = groups.get(group);
    if (!g) groups.set(group, g = []);
    g.push(id);
    return id;
  }
  function lookup(id) {
    if (!objects.has(id)) throw new Error('Could not find object with given id');
    return objects.get(id);
  }
  function ctorName(o) {
    try {
      const tag = o[Symbol.toStringTag];
      if (typeof tag === 'string') return tag;
    } catch (e) {}
    try {
      const p = Object.getPrototypeOf(o);
      const c = p && Object.getOwnPropertyDescriptor(p, 'constructor');
      if (c && typeof c.value === 'function' && c.value.name) return c.value.name;
    } catch (e) {}
    return 'Object';
  }
  function p0(o) { try { return Object.getPrototypeOf(o); } catch (e) { return undefined; } }
  function subtypeOf(o) {
    if (Array.isArray(o)) return 'array';
    const t = toStr.call(o);
    if (o instanceof Error || t === '[object Error]') return 'error';
    if (o instanceof Map) return 'map';
    if (o instanceof Set) return 'set';
    if (o instanceof WeakMap) return 'weakmap';
    if (o instanceof WeakSet) return 'weakset';
    if (o instanceof Promise) return 'promise';
    if (o instanceof RegExp) return 'regexp';
    if (o instanceof Date) return 'date';
    if (ArrayBuffer.isView(o)) return o instanceof DataView ? 'dataview' : 'typedarray';
    if (o instanceof ArrayBuffer) return 'arraybuffer';
    return undefined;
  }
  function describeObject(o, subtype, className) {
    try {
      switch (subtype) {
        case 'array': return 'Array(' + o.length + ')';
        case 'typedarray': return className + '(' + o.length + ')';
        case 'map': case 'set': return className + '(' + o.size + ')';
        case 'error': {
          // V8's stack starts with the error's own line; QuickJS's does not.
          const head = String(o.name) + ': ' + String(o.message);
          // The agent's own frames (a client's evaluation) are not the page's.
          const stack = typeof o.stack === 'string' ? o.stack.replace(/\n$/, '').split('\n')
            .filter(l => l.indexOf('<inspector>') < 0 && l.indexOf('at eval (native)') < 0).join('\n') : '';
          return stack.startsWith(head) ? stack : stack ? head + '\n' + stack : head;
        }
        case 'regexp': return String(o);
        case 'date': return String(o);
        case 'promise': return 'Promise';
      }
    } catch (e) {}
    return className;
  }
  function primitive(v) {
    switch (typeof v) {
      case 'undefined': return { type: 'undefined' };
      case 'boolean': return { type: 'boolean', value: v };
      case 'string': return { type: 'string', value: v };
      case 'bigint': return { type: 'bigint', unserializableValue: v + 'n', description: v + 'n' };
      case 'number':
        if (Number.isNaN(v) || !Number.isFinite(v) || Object.is(v, -0)) {
          const s = Object.is(v, -0) ? '-0' : String(v);
          return { type: 'number', unserializableValue: s, description: s };
        }
        return { type: 'number', value: v, description: String(v) };
    }
    return null;
  }
  function preview(o, subtype, className) {
    const props = [];
    let overflow = false;
    try {
      if (subtype === 'map' || subtype === 'set') {
        const entries = [];
        for (const e of o) {
          if (entries.length >= 5) { overflow = true; break; }
          entries.push(subtype === 'map'
            ? { key: nested(e[0]), value: nested(e[1]) }
            : { value: nested(e) });
        }
        return { type: 'object', subtype, description: describeObject(o, subtype, className), overflow, properties: [], entries };
      }
      for (const k of Object.keys(o)) {
        if (props.length >= 5) { overflow = true; break; }
        const d = Object.getOwnPropertyDescriptor(o, k);
        if (!d) continue;
        if ('value' in d) props.push(Object.assign({ name: k }, small(d.value)));
        else props.push({ name: k, type: 'accessor' });
      }
    } catch (e) {}
    return { type: 'object', subtype, description: describeObject(o, subtype, className), overflow, properties: props };
  }
  // An ObjectPreview one level down (a Map's or Set's entry): an
  // object's own properties as small values.
  function nested(v) {
    const p = primitive(v);
    if (p) return { type: p.type, description: p.unserializableValue || String(v), overflow: false, properties: [] };
    if (v === null) return { type: 'object', subtype: 'null', description: 'null', overflow: false, properties: [] };
    if (typeof v !== 'object') return { type: typeof v, description: typeof v === 'function' ? 'ƒ' : String(v), overflow: false, properties: [] };
    const st = subtypeOf(v);
    const r = { type: 'object', description: describeObject(v, st, ctorName(v)), overflow: false, properties: [] };
    if (st) r.subtype = st;
    try {
      for (const k of Object.keys(v)) {
        if (r.properties.length >= 5) { r.overflow = true; break; }
        const d = Object.getOwnPropertyDescriptor(v, k);
        if (d && 'value' in d) r.properties.push(Object.assign({ name: k }, small(d.value)));
      }
    } catch (e) {}
    return r;
  }
  // A Map's or Set's entry in [[Entries]] (V8's internal#entry).
  class Entry { constructor(map, key, value) { if (map) this.key = key; this.value = value; } }
  function small(v) {
    const p = primitive(v);
    if (p) return { type: p.type, value: p.unserializableValue || String(v) };
    if (v === null) return { type: 'object', subtype: 'null', value: 'null' };
    if (typeof v === 'function') return { type: 'function', value: '' };
    if (typeof v === 'symbol') return { type: 'symbol', value: String(v) };
    const st = subtypeOf(v);
    return { type: 'object', subtype: st, value: describeObject(v, st, ctorName(v)) };
  }
  function describe(v, group, byValue, withPreview) {
    const p = primitive(v);
    if (p) return p;
    if (v === null) return { type: 'object', subtype: 'null', value: null };
    if (typeof v === 'symbol')
      return { type: 'symbol', description: String(v), objectId: remember(v, group) };
    if (byValue) {
      try { return { type: typeof v, value: JSON.parse(stringify(v)) }; } catch (e) {}
    }
    if (typeof v === 'function') {
      let text = '';
      try { text = Function.prototype.toString.call(v); } catch (e) {}
      return { type: 'function', className: 'Function', description: text, objectId: remember(v, group) };
    }
    if (v instanceof Entry) {
      const text = x => { const p = primitive(x); return p ? (typeof x === 'string' ? stringify(x) : String(x)) : small(x).value; };
      const description = '{' + ('key' in v ? text(v.key) + ' => ' : '') + text(v.value) + '}';
      return { type: 'object', subtype: 'internal#entry', className: 'Object', description, objectId: remember(v, group) };
    }
    const subtype = subtypeOf(v);
    const className = ctorName(v);
    const r = { type: 'object', className, description: describeObject(v, subtype, className), objectId: remember(v, group) };
    if (subtype) r.subtype = subtype;
    if (withPreview) r.preview = preview(v, subtype, className);
    return r;
  }
  function exceptionDetails(e, group) {
    let text = 'Uncaught';
    try {
      if (e instanceof Error) text = 'Uncaught ' + (e.name || 'Error') + ': ' + e.message;
      else text = 'Uncaught ' + String(e);
    } catch (x) {}
    return { exceptionId: next, text, lineNumber: 0, columnNumber: 0, exception: describe(e, group, false, false) };
  }
  function run(f, group, byValue, withPreview) {
    let v;
    try { v = f(); } catch (e) {
      return stringify({ result: describe(e, group, false, false), exceptionDetails: exceptionDetails(e, group) });
    }
    return stringify({ result: describe(v, group, byValue, withPreview) });
  }
  function descriptor(o, name, d, own, group, withPreview) {
    const r = { name: String(typeof name === 'symbol' ? name.toString() : name), configurable: !!d.configurable, enumerable: !!d.enumerable, isOwn: own };
    if (typeof name === 'symbol') r.symbol = describe(name, group);
    if ('value' in d) { r.value = describe(d.value, group, false, withPreview); r.writable = !!d.writable; }
    else {
      if (d.get) r.get = describe(d.get, group);
      if (d.set) r.set = describe(d.set, group);
    }
    return r;
  }
  return {
    describe(v, group, byValue, withPreview) { return stringify(describe(v, group, byValue, withPreview)); },
    exception(e, group) { return stringify(exceptionDetails(e, group)); },
    evaluate(expr, group, byValue, withPreview) {
      return run(() => (0, eval)(expr), group, byValue, withPreview);
    },
    evaluateIn(merged, closure, locals, thisValue, expr, group, byValue, withPreview) {
      for (const s of [closure, locals])
        if (s) Object.defineProperties(merged, Object.getOwnPropertyDescriptors(s));
      // A constant (read-only here) throws as it would in the frame.
      const scope = new Proxy(merged, {
        set(t, k, v) {
          const d = Object.getOwnPropertyDescriptor(t, k);
          if (d && !d.writable) throw new TypeError('Assignment to constant variable.');
          t[k] = v;
          return true;
        },
      });
      return run(() => evalWith.call(thisValue, scope, expr), group, byValue, withPreview);
    },
    callFunctionOn(decl, objectId, args, group, byValue, withPreview) {
      // An unknown object id is the client's error (thrown: a protocol
      // error); what the function does is the page's (a result).
      const self = objectId ? lookup(objectId) : undefined;
      const argv = (args || []).map(a => 'objectId' in a ? lookup(a.objectId)
        : 'unserializableValue' in a ? (0, eval)(a.unserializableValue) : a.value);
      return run(() => (0, eval)('(' + decl + ')').apply(self, argv), group, byValue, withPreview);
    },
    getProperties(objectId, ownOnly, accessorsOnly, withPreview) {
      const o = lookup(objectId);
      const group = 'properties';
      if (o instanceof Entry) ownOnly = true;
      const result = [];
      const internal = [];
      const seen = new Set();
      let cur = o;
      let own = true;
      while (cur !== null && cur !== undefined && (typeof cur === 'object' || typeof cur === 'function')) {
        for (const k of Reflect.ownKeys(cur)) {
          if (seen.has(k)) continue;
          seen.add(k);
          const d = Object.getOwnPropertyDescriptor(cur, k);
          if (!d) continue;
          if (accessorsOnly && !(d.get || d.set)) continue;
          if (!own && !(d.get || d.set)) continue;
          result.push(descriptor(o, k, d, own, group, withPreview));
        }
        if (ownOnly) break;
        cur = p0(cur);
        own = false;
      }
      if (!accessorsOnly && !(o instanceof Entry) && (typeof o === 'object' || typeof o === 'function')) {
        const proto = p0(o);
        if (proto !== undefined)
          internal.push({ name: '[[Prototype]]', value: describe(proto, group) });
        const st = subtypeOf(o);
        if (st === 'map' || st === 'set') {
          const entries = [];
          for (const e of o) entries.push(st === 'map' ? new Entry(true, e[0], e[1]) : new Entry(false, undefined, e));
          internal.push({ name: '[[Entries]]', value: describe(entries, group, false, true) });
        }
        if (st === 'promise') {
          const s = native.promiseState(o);
          internal.push({ name: '[[PromiseState]]', value: { type: 'string', value: s[0] } });
          if (s[0] !== 'pending') internal.push({ name: '[[PromiseResult]]', value: describe(s[1], group) });
        }
      }
      return stringify({ result, internalProperties: internal });
    },
    object(id) { return lookup(id); },
    release(id) { objects.delete(id); },
    releaseGroup(group) {
      const g = groups.get(group);
      if (g) for (const id of g) objects.delete(id);
      groups.delete(group);
    },
    // A pause's call frames (frame objects from the engine with their
    // scopes), as Debugger.CallFrame JSON; no previews (V8 sends none).
    callFrames(frames, globalObject, scriptScope, group) {
      const global = describe(globalObject, group, false, false);
      const script = scriptScope && Object.keys(scriptScope).length ? describe(scriptScope, group, false, false) : null;
      return stringify(frames.map(f => {
        const chain = [];
        if (f.locals) chain.push({ type: 'local', object: describe(f.locals, group, false, false) });
        if (f.closure && Object.keys(f.closure).length)
          chain.push({ type: 'closure', object: describe(f.closure, group, false, false) });
        if (script) chain.push({ type: 'script', object: script });
        chain.push({ type: 'global', object: global });
        return {
          // The engine's names for top-level code (<eval>, <input>): V8 says "".
          callFrameId: String(f.level), functionName: /^<.*>$/.test(f.name) ? '' : f.name,
          location: { scriptId: String(f.scriptId), lineNumber: f.line - 1, columnNumber: f.column - 1 },
          url: f.url, scopeChain: chain, this: describe(f.this, group, false, false), canBeRestarted: false,
        };
      }));
    },
    consoleArgs(args, group) {
      return stringify(args.map(a => describe(a, group, false, true)));
    },
    // Wraps the context's console (or makes one that only reports) so
    // that each call reaches the clients as Runtime.consoleAPICalled, then
    // does what it did before.
    installConsole(report) {
      let c = globalThis.console;
      if (c === null || typeof c !== 'object') {
        c = {};
        try {
          Object.defineProperty(globalThis, 'console', { value: c, writable: true, configurable: true });
        } catch (e) { return; }
      }
      const kinds = { log: 'log', info: 'info', warn: 'warning', error: 'error', debug: 'debug',
        trace: 'trace', dir: 'dir', table: 'table', assert: 'assert', clear: 'clear' };
      for (const name of Object.keys(kinds)) {
        const before = c[name];
        const type = kinds[name];
        const wrapped = {
          [name](...args) {
            if (name === 'assert') {
              if (args[0]) return undefined;
              report(type, ['Assertion failed' + (args.length > 1 ? ':' : '')].concat(args.slice(1)));
            } else {
              report(type, args);
            }
            return typeof before === 'function' ? before.apply(this, args) : undefined;
          },
        }[name];
        try { c[name] = wrapped; } catch (e) {}
      }
    },
  };
})
