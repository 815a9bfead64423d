//! Building JS data from Rust data in one call per object or array: the
//! path `serde::to_value` takes (and anything else that turns records and
//! lists into JS).
//!
//! * [`ValueList`]: owned values collected for one array, made with
//!   `JS_NewArrayFrom` (no property-by-property growth).
//! * [`Record`]: the fields of one plain object, made with
//!   `JS_NewObjectLike` (patch 0011). A record of a Rust type (`kind`, e.g.
//!   a struct's name) with `'static` field names uses the context's
//!   [`RecordCache`]: each name's atom is made once, and the object of the
//!   type takes its final shape at once from a *template* (a private object
//!   with the same properties) instead of making and dropping an
//!   intermediate shape for every property of every object, which is what
//!   growing an object one property at a time costs in QuickJS.
//!
//! Invariants:
//! * The cache belongs to one context (a part of its state) and is emptied
//!   (atoms and templates freed) exactly where the context's held values
//!   are released: when its `Context` handle goes or the context dies, so
//!   it never keeps a context alive nor outlives its runtime's atom table.
//! * Atoms and templates handed out by the cache are only used before the
//!   next call that can free the context (none can during a conversion
//!   running in it: the conversion's `Ctx` keeps the context alive).
//! * Templates are never reachable from JS; `JS_NewObjectLike` checks the
//!   template's shape against the fields anyway (same atoms, order, flags
//!   and prototype) and otherwise defines them one by one, so a stale or
//!   mismatched template can only cost speed, never change the result.
//! * The cache is bounded (`MAX_ATOMS`, `MAX_TEMPLATES`): names and kinds
//!   beyond it are made per use, as without a cache.
//! * [`short_string`]: short string values (enum tags, `"type": "Feature"`)
//!   are made once and shared: the cache keeps `SHORT_SLOTS` of them, one
//!   per hash slot (a newer string takes its slot's place), each a reference
//!   the cache owns, released with the rest. Strings are immutable values
//!   in JS, so sharing one is invisible to scripts.

// The embedding layer (quickjs-ng only) is the user so far.
#![cfg_attr(quickjs_bellard, allow(dead_code))]

use super::object::PropertyKey;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::Result;
use crate::engine::handle::state::{ContextPart, ContextSlot, ContextState};
use crate::engine::handle::traits::IntoJs;
use crate::engine::handle::value::Value;
use quickjs_sys as sys;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// Strings of at most this many bytes are shared (see [`short_string`]).
const SHORT_MAX: usize = 24;
/// How many short strings a context keeps.
const SHORT_SLOTS: usize = 256;

/// Static names whose atoms a context keeps.
const MAX_ATOMS: usize = 4096;
/// Field lists (per kind) for which a context keeps a template.
const MAX_TEMPLATES: usize = 1024;

/// A list that keeps its first `N` items inline (no allocation for the
/// small objects and arrays most data is made of).
struct Small<T: Copy, const N: usize> {
    len: usize,
    inline: [T; N],
    heap: Vec<T>,
}

impl<T: Copy, const N: usize> Small<T, N> {
    #[inline(always)]
    fn new(fill: T, n: usize) -> Self {
        Small {
            len: 0,
            inline: [fill; N],
            heap: if n > N {
                Vec::with_capacity(n)
            } else {
                Vec::new()
            },
        }
    }
    #[inline(always)]
    fn push(&mut self, v: T) {
        if self.len < N && self.heap.is_empty() {
            self.inline[self.len] = v;
        } else {
            if self.heap.is_empty() {
                self.heap.extend_from_slice(&self.inline[..self.len]);
            }
            self.heap.push(v);
        }
        self.len += 1;
    }
    fn as_mut_slice(&mut self) -> &mut [T] {
        if self.heap.is_empty() {
            &mut self.inline[..self.len]
        } else {
            &mut self.heap
        }
    }
    fn as_slice(&self) -> &[T] {
        if self.heap.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.heap
        }
    }
    /// Forgets the items (their ownership went elsewhere).
    fn clear(&mut self) {
        self.len = 0;
        self.heap.clear();
    }
}

/// Owned raw values, freed on drop unless handed to the engine.
pub(crate) struct ValueList<'js> {
    ctx: Ctx<'js>,
    raw: Small<sys::JSValue, 8>,
}

impl<'js> ValueList<'js> {
    #[inline(always)]
    pub(crate) fn with_capacity(ctx: Ctx<'js>, n: usize) -> Self {
        ValueList {
            ctx,
            raw: Small::new(sys::JS_UNDEFINED, n),
        }
    }

    #[inline(always)]
    pub(crate) fn push(&mut self, v: Value<'js>) {
        self.raw.push(v.into_raw());
    }

    /// The context the values belong to.
    pub(crate) fn ctx(&self) -> Ctx<'js> {
        self.ctx
    }

    fn len(&self) -> usize {
        self.raw.len
    }

    /// Hands the values to a call that takes their ownership in every case.
    fn give(&mut self) -> *mut sys::JSValue {
        let p = self.raw.as_mut_slice().as_mut_ptr();
        // The pointer stays valid: clearing keeps the storage.
        self.raw.clear();
        p
    }

    /// An array of the values, in one call (quickjs-ng's `JS_NewArrayFrom`).
    #[cfg(not(quickjs_bellard))]
    pub(crate) fn into_array(mut self) -> Result<Value<'js>> {
        let n = self.len() as i32;
        let values = self.give();
        // SAFETY: ctx live; JS_NewArrayFrom takes ownership of every value,
        // also when it fails.
        self.ctx
            .check(unsafe { sys::JS_NewArrayFrom(self.ctx.as_raw(), n, values) })
    }
}

impl Drop for ValueList<'_> {
    fn drop(&mut self) {
        for &v in self.raw.as_slice() {
            // SAFETY: each value is owned by the list.
            unsafe { sys::JS_FreeValue(self.ctx.as_raw(), v) };
        }
    }
}

/// A `'static` name as a key: its address and length.
type NameKey = (usize, usize);

fn name_key(name: &'static str) -> NameKey {
    (name.as_ptr() as usize, name.len())
}

/// The fields of one plain object being built (see the module docs).
pub(crate) struct Record<'js> {
    values: ValueList<'js>,
    atoms: Small<sys::JSAtom, 8>,
    /// The `'static` names of the fields once the record stopped following
    /// a template (while all of them are static).
    names: Vec<NameKey>,
    /// Atoms made for this record (the others are lent by the cache).
    owned: Vec<sys::JSAtom>,
    kind: Option<&'static str>,
    cache: Option<&'js RecordCache>,
    /// The template this record follows while its fields match it.
    template: Option<Rc<Template>>,
}

impl<'js> Record<'js> {
    /// A record of `n` fields; `kind` names the Rust type whose fields it
    /// holds (fields by `'static` name then use the cache), `None` for
    /// data whose keys vary (maps).
    #[inline(always)]
    pub(crate) fn new(ctx: Ctx<'js>, kind: Option<&'static str>, n: usize) -> Self {
        let cache = match kind {
            Some(_) => ContextState::of(ctx).map(|s| s.part(RecordCache::default)),
            None => None,
        };
        Record {
            values: ValueList::with_capacity(ctx, n),
            atoms: Small::new(sys::JS_ATOM_NULL, n),
            names: Vec::new(),
            owned: Vec::new(),
            template: match (cache, kind) {
                (Some(c), Some(k)) => c.first_template(k),
                _ => None,
            },
            kind,
            cache,
        }
    }

    /// The context the record is built in.
    pub(crate) fn ctx(&self) -> Ctx<'js> {
        self.values.ctx()
    }

    /// Adds the field `name` of the record's type.
    #[inline(always)]
    pub(crate) fn field(&mut self, name: &'static str, value: Value<'js>) -> Result<()> {
        let Some(cache) = self.cache else {
            return self.key(name, value);
        };
        let key = name_key(name);
        let i = self.atoms.len;
        // Following the template: its atom, no look-up.
        if let Some(t) = &self.template {
            if t.names.get(i) == Some(&key) {
                self.atoms.push(t.atoms[i]);
                self.values.push(value);
                return Ok(());
            }
            // Off the template from here: keep the names so far.
            self.names.extend_from_slice(&t.names[..i]);
            self.template = None;
        }
        match cache.atom(self.ctx(), name)? {
            Some(atom) if self.names.len() == i => {
                self.names.push(key);
                self.atoms.push(atom);
                self.values.push(value);
                Ok(())
            }
            _ => self.key(name, value),
        }
    }

    /// Adds a field whose name is data (a map's key).
    pub(crate) fn key(&mut self, name: &str, value: Value<'js>) -> Result<()> {
        let atom = name.to_atom(self.ctx())?;
        self.owned.push(atom);
        self.atoms.push(atom);
        self.values.push(value);
        self.template = None;
        Ok(())
    }

    /// The object, in one call.
    #[inline(always)]
    pub(crate) fn finish(mut self) -> Result<Value<'js>> {
        let ctx = self.ctx();
        let n = self.values.len();
        let like = match (&self.template, self.kind, self.cache) {
            (Some(t), _, _) if t.names.len() == n => t.object.get(),
            // Every name static and cached: the template of these fields.
            (None, Some(kind), Some(cache)) if self.names.len() == n => {
                cache.template(ctx, kind, &self.names, self.atoms.as_slice())?
            }
            _ => sys::JS_UNDEFINED,
        };
        let values = self.values.give();
        // SAFETY: ctx live; `like` is lent by the cache (or undefined), the
        // atoms are live (owned here or lent by the cache) and as many as
        // the values, whose ownership JS_NewObjectLike takes in every case.
        ctx.check(unsafe {
            sys::JS_NewObjectLike(
                ctx.as_raw(),
                like,
                n as i32,
                self.atoms.as_slice().as_ptr(),
                values,
            )
        })
    }
}

impl Drop for Record<'_> {
    fn drop(&mut self) {
        for &a in &self.owned {
            // SAFETY: made for this record by `key`.
            unsafe { sys::JS_FreeAtom(self.ctx().as_raw(), a) };
        }
    }
}

/// A context's atoms of `'static` names and its record templates (see the
/// module docs).
#[derive(Default)]
pub(crate) struct RecordCache {
    /// Short strings by hash slot (`SHORT_SLOTS` of them once one is made).
    strings: RefCell<Vec<ShortString>>,
    atoms: RefCell<HashMap<NameKey, sys::JSAtom, PtrHash>>,
    /// The templates of each kind (by its name's key), first made first.
    templates: RefCell<HashMap<NameKey, Vec<Rc<Template>>, PtrHash>>,
    template_count: Cell<usize>,
}

/// The cache is the builders' part of a context's state.
impl ContextPart for RecordCache {
    const SLOT: ContextSlot = ContextSlot::Records;
    unsafe fn release(&self, rt: *mut sys::JSRuntime) {
        // SAFETY: the trait's contract is `free_all`'s.
        unsafe { self.free_all(rt) }
    }
}

/// A string value the cache shares, with its length and key words (which
/// determine its bytes, see [`short_key`]).
#[derive(Clone, Copy)]
struct ShortString {
    len: usize,
    key: [u64; 3],
    /// A reference owned by the cache; undefined in an empty slot.
    value: sys::JSValue,
}

impl ShortString {
    const EMPTY: ShortString = ShortString {
        len: 0,
        key: [0; 3],
        value: sys::JS_UNDEFINED,
    };
    #[inline]
    fn holds(&self, len: usize, key: [u64; 3]) -> bool {
        self.len == len
            && self.key[0] == key[0]
            && self.key[1] == key[1]
            && self.key[2] == key[2]
            && sys::JS_IsString(self.value)
    }
}

/// Three words that, with the length, determine a string of at most
/// `SHORT_MAX` (24) bytes: overlapping reads of its start, middle and end
/// (8 bytes each from 8 bytes up, which cover every byte up to 24; 4 bytes
/// each below; single bytes below 4); and its slot.
#[inline]
fn short_key(b: &[u8]) -> ([u64; 3], usize) {
    debug_assert!(b.len() <= SHORT_MAX);
    let n = b.len();
    let at8 = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap());
    let at4 = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap()) as u64;
    let key = match n {
        8.. => [at8(0), at8(n / 2 - 4), at8(n - 8)],
        4.. => [at4(0), at4(n - 4), 0],
        1.. => [b[0] as u64, b[n / 2] as u64, b[n - 1] as u64],
        0 => [0; 3],
    };
    let h = (key[0] ^ key[1].rotate_left(21) ^ key[2].rotate_left(42) ^ n as u64)
        .wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (key, (h >> 56) as usize % SHORT_SLOTS)
}

/// `s` as a JS string: a short one shared through `ctx`'s cache (see the
/// module docs), any other made anew.
pub(crate) fn short_string<'js>(ctx: Ctx<'js>, s: &str) -> Result<Value<'js>> {
    if s.len() > SHORT_MAX {
        return s.into_js(ctx);
    }
    match ContextState::of(ctx) {
        Some(state) => state.part(RecordCache::default).string(ctx, s),
        None => s.into_js(ctx),
    }
}

/// A private object whose shape is that of the records of one kind and
/// field list.
pub(crate) struct Template {
    names: Box<[NameKey]>,
    atoms: Box<[sys::JSAtom]>,
    /// Undefined once the cache is released.
    object: Cell<sys::JSValue>,
}

impl RecordCache {
    /// The atom of `name`, made once and lent (`None`: the cache is full).
    fn atom(&self, ctx: Ctx<'_>, name: &'static str) -> Result<Option<sys::JSAtom>> {
        let key = name_key(name);
        if let Some(&a) = self.atoms.borrow().get(&key) {
            return Ok(Some(a));
        }
        if self.atoms.borrow().len() >= MAX_ATOMS {
            return Ok(None);
        }
        let atom = name.to_atom(ctx)?;
        self.atoms.borrow_mut().insert(key, atom);
        Ok(Some(atom))
    }

    /// The shared value of the short string `s` (at most `SHORT_MAX`
    /// bytes), made on first use or when its slot held another.
    fn string<'js>(&self, ctx: Ctx<'js>, s: &str) -> Result<Value<'js>> {
        let (key, slot) = short_key(s.as_bytes());
        if let Some(held) = self.strings.borrow().get(slot) {
            if held.holds(s.len(), key) {
                // SAFETY: a live string of ctx's runtime, owned by the cache;
                // the copy made here is the caller's.
                return Ok(unsafe {
                    Value::from_raw(ctx, sys::JS_DupValue(ctx.as_raw(), held.value))
                });
            }
        }
        // Made with no borrow held (making a string can run the GC).
        let value = s.into_js(ctx)?;
        let new = ShortString {
            len: s.len(),
            key,
            value: value.clone().into_raw(),
        };
        let old = {
            let mut strings = self.strings.borrow_mut();
            if strings.is_empty() {
                strings.resize(SHORT_SLOTS, ShortString::EMPTY);
            }
            std::mem::replace(&mut strings[slot], new)
        };
        // SAFETY: the cache's reference to the string the slot held (or
        // undefined), given up with no borrow held.
        unsafe { sys::JS_FreeValue(ctx.as_raw(), old.value) };
        Ok(value)
    }

    /// The first template of `kind`, for a record to follow.
    fn first_template(&self, kind: &'static str) -> Option<Rc<Template>> {
        self.templates
            .borrow()
            .get(&name_key(kind))?
            .first()
            .cloned()
    }

    /// The template of `kind` with exactly these fields (their atoms lent
    /// by this cache), made on first use and lent; undefined when the
    /// cache is full.
    fn template(
        &self,
        ctx: Ctx<'_>,
        kind: &'static str,
        names: &[NameKey],
        atoms: &[sys::JSAtom],
    ) -> Result<sys::JSValue> {
        let key = name_key(kind);
        if let Some(list) = self.templates.borrow().get(&key) {
            if let Some(t) = list.iter().find(|t| *t.names == *names) {
                return Ok(t.object.get());
            }
        }
        if self.template_count.get() >= MAX_TEMPLATES {
            return Ok(sys::JS_UNDEFINED);
        }
        let mut undefined = vec![sys::JS_UNDEFINED; atoms.len()];
        // SAFETY: ctx live; the atoms are lent by this cache; undefined
        // values own nothing. The object is owned by the cache from here.
        let object = ctx.check(unsafe {
            sys::JS_NewObjectLike(
                ctx.as_raw(),
                sys::JS_UNDEFINED,
                atoms.len() as i32,
                atoms.as_ptr(),
                undefined.as_mut_ptr(),
            )
        })?;
        let object = object.into_raw();
        self.template_count.set(self.template_count.get() + 1);
        self.templates
            .borrow_mut()
            .entry(key)
            .or_default()
            .push(Rc::new(Template {
                names: names.into(),
                atoms: atoms.into(),
                object: Cell::new(object),
            }));
        Ok(object)
    }

    /// Frees every atom and template (see the module docs for when).
    ///
    /// # Safety
    /// On `rt`'s thread, `rt` alive; nothing lent by the cache is in use.
    unsafe fn free_all(&self, rt: *mut sys::JSRuntime) {
        let strings = std::mem::take(&mut *self.strings.borrow_mut());
        for s in strings.iter().filter(|s| sys::JS_IsString(s.value)) {
            // SAFETY: owned by the cache; the caller's contract.
            unsafe { sys::JS_FreeValueRT(rt, s.value) };
        }
        let atoms = std::mem::take(&mut *self.atoms.borrow_mut());
        let templates = std::mem::take(&mut *self.templates.borrow_mut());
        self.template_count.set(0);
        // Freed with no borrow held: freeing may run finalizers.
        for t in templates.into_values().flatten() {
            // SAFETY: owned by the cache; the caller's contract.
            unsafe { sys::JS_FreeValueRT(rt, t.object.replace(sys::JS_UNDEFINED)) };
        }
        for a in atoms.into_values() {
            // SAFETY: owned by the cache; the caller's contract.
            unsafe { sys::JS_FreeAtomRT(rt, a) };
        }
    }
}

/// A hasher for keys that are addresses and lengths: a multiply per word.
#[derive(Default)]
struct PtrHasher(u64);

type PtrHash = BuildHasherDefault<PtrHasher>;

impl Hasher for PtrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

#[cfg(test)]
mod tests {
    use super::{short_key, SHORT_MAX};

    #[test]
    fn a_short_key_covers_every_byte() {
        // With the length, the key determines the bytes: changing any one
        // byte of a string of any short length changes the key.
        for n in 0..=SHORT_MAX {
            let base: Vec<u8> = (0..n as u8).map(|i| b'a' + i).collect();
            let (key, _) = short_key(&base);
            for i in 0..n {
                let mut b = base.clone();
                b[i] = b'Z';
                assert_ne!(short_key(&b).0, key, "length {n}, byte {i}");
            }
        }
    }
}
