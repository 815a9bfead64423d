//! serde: Rust data to JS values and back, directly.
#![cfg(feature = "serde")]

use quickjs::serde::{from_value, to_value};
use quickjs::{Context, Runtime, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
enum Shape {
    Empty,
    Circle(f64),
    Rect { w: f64, h: f64 },
    Pair(i32, i32),
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Doc {
    id: u64,
    name: String,
    tags: Vec<String>,
    score: Option<f32>,
    shapes: Vec<Shape>,
    meta: BTreeMap<String, i64>,
    #[serde(with = "serde_bytes_compat")]
    raw: Vec<u8>,
    nested: (bool, char),
}

mod serde_bytes_compat {
    pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
        }
        d.deserialize_byte_buf(V)
    }
}

fn doc() -> Doc {
    Doc {
        id: 7,
        name: "café".into(),
        tags: vec!["a".into(), "b".into()],
        score: None,
        shapes: vec![
            Shape::Empty,
            Shape::Circle(1.5),
            Shape::Rect { w: 2.0, h: 3.0 },
            Shape::Pair(1, -1),
        ],
        meta: BTreeMap::from([("x".into(), 1), ("y".into(), -2)]),
        raw: vec![0, 255],
        nested: (true, 'z'),
    }
}

#[test]
fn round_trip_through_js_values() {
    let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
    ctx.with(|ctx| {
        let v = to_value(ctx, &doc()).unwrap();
        ctx.globals().set("doc", v).unwrap();
        let json: String = ctx.eval("JSON.stringify({ ...doc, raw: [...doc.raw] })").unwrap();
        assert_eq!(json, r#"{"id":7,"name":"café","tags":["a","b"],"score":null,"shapes":["Empty",{"Circle":1.5},{"Rect":{"w":2,"h":3}},{"Pair":[1,-1]}],"meta":{"x":1,"y":-2},"raw":[0,255],"nested":[true,"z"]}"#);
        let back: Doc = from_value(&ctx.eval::<Value>("doc").unwrap()).unwrap();
        assert_eq!(back, doc());
        // JS-side edits come back typed.
        let edited: Doc = from_value(&ctx.eval::<Value>("({ ...doc, id: 8, score: 0.5, tags: [] })").unwrap()).unwrap();
        assert_eq!((edited.id, edited.score, edited.tags.len()), (8, Some(0.5), 0));
    });
}

#[test]
fn mismatches_are_errors_that_name_the_property() {
    let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
    ctx.with(|ctx| {
        let e = from_value::<Doc>(&ctx.eval::<Value>("({ id: 'x' })").unwrap()).unwrap_err();
        assert!(e.to_string().contains("property \"id\""), "{e}");
        let e = from_value::<Shape>(&ctx.eval::<Value>("({ Circle: 1, Rect: 2 })").unwrap())
            .unwrap_err();
        assert!(e.to_string().contains("one key"), "{e}");
        assert!(from_value::<Shape>(&ctx.eval::<Value>("'Square'").unwrap()).is_err());
        let e = to_value(ctx, &BTreeMap::from([(vec![1u8], 1)])).unwrap_err();
        assert!(e.to_string().contains("map key"), "{e}");
    });
}

#[test]
fn maps_and_sets_deserialize_as_maps_and_sequences() {
    use std::collections::{BTreeMap, BTreeSet, HashMap};
    let rt = quickjs::Runtime::new().unwrap();
    let ctx = quickjs::Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let v: quickjs::Value = ctx
            .eval("Map.prototype.entries = null; ({ byId: new Map([[1, 'a'], [2, 'b']]), names: new Map([['x', [1, 2]]]), tags: new Set(['t', 'u', 't']) })")
            .unwrap();
        #[derive(serde::Deserialize)]
        struct Doc {
            #[serde(rename = "byId")]
            by_id: BTreeMap<u32, String>,
            names: HashMap<String, Vec<i32>>,
            tags: BTreeSet<String>,
        }
        let doc: Doc = quickjs::serde::from_value(&v).unwrap();
        assert_eq!(doc.by_id, BTreeMap::from([(1, "a".into()), (2, "b".into())]));
        assert_eq!(doc.names["x"], [1, 2]);
        assert_eq!(doc.tags, BTreeSet::from(["t".into(), "u".into()]));
        // A value of the wrong type names where it was.
        let bad: quickjs::Value = ctx.eval("new Map([['k', 'not a number']])").unwrap();
        let e = quickjs::serde::from_value::<HashMap<String, i32>>(&bad).unwrap_err();
        assert!(e.to_string().contains("Map value"), "{e}");
        // Self-containing Maps are bounded like objects.
        let cyclic: quickjs::Value = ctx.eval("const m = new Map(); m.set('m', m); m").unwrap();
        assert!(quickjs::serde::from_value::<serde_json::Value>(&cyclic).is_err());
    });
}

/// Structs are built from a cached template of their shape (patch 0011):
/// whatever the order, gaps or repeats of their fields, each object gets
/// exactly its own properties, as plain data properties.
#[derive(Serialize)]
struct Sparse {
    a: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    b: Option<&'static str>,
    #[serde(rename = "é")]
    c: bool,
}

/// Serializes the field `x` twice, then `y`.
struct Repeats(i32);
impl Serialize for Repeats {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Repeats", 3)?;
        st.serialize_field("x", &1)?;
        st.serialize_field("x", &self.0)?;
        st.serialize_field("y", &2)?;
        st.end()
    }
}

#[test]
fn structs_of_one_type_get_exactly_their_own_fields() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        // A setter on Object.prototype is not called: fields are defined.
        ctx.eval::<()>(
            "Object.defineProperty(Object.prototype, 'a', { set() { throw new Error('setter ran') } })",
        )
        .unwrap();
        let items: Vec<Sparse> = (0..6)
            .map(|i| Sparse {
                a: i,
                b: (i % 3 == 1).then_some("bee"),
                c: i % 2 == 0,
            })
            .collect();
        for round in 0..2 {
            let v = to_value(ctx, &items).unwrap();
            ctx.globals().set("v", v).unwrap();
            let json: String = ctx
                .eval("v.map(o => Object.keys(o).join(',') + '=' + JSON.stringify(o)).join(' ')")
                .unwrap();
            assert_eq!(
                json,
                "a,é={\"a\":0,\"é\":true} a,b,é={\"a\":1,\"b\":\"bee\",\"é\":false} \
                 a,é={\"a\":2,\"é\":true} a,é={\"a\":3,\"é\":false} \
                 a,b,é={\"a\":4,\"b\":\"bee\",\"é\":true} a,é={\"a\":5,\"é\":false}",
                "round {round}"
            );
            // Each object is its own: changing one changes no other, and
            // every property is a writable, enumerable, configurable value.
            let ok: bool = ctx
                .eval(
                    "v[0].a = 'changed'; delete v[2].é; v[3].extra = 1; \
                     v[1].a === 1 && v[2].a === 2 && !('é' in v[2]) && v[4].é === true && !('extra' in v[5]) \
                     && v.every(o => Object.values(Object.getOwnPropertyDescriptors(o)).every(d => \
                        d.writable && d.enumerable && d.configurable && !d.get && !d.set)) \
                     && Object.getPrototypeOf(v[5]) === Object.prototype",
                )
                .unwrap();
            assert!(ok, "round {round}");
        }
        let v = to_value(ctx, &[Repeats(5), Repeats(6)]).unwrap();
        ctx.globals().set("r", v).unwrap();
        let json: String = ctx.eval("JSON.stringify(r)").unwrap();
        assert_eq!(json, r#"[{"x":5,"y":2},{"x":6,"y":2}]"#);
    });
}

#[test]
fn records_belong_to_the_context_they_are_made_in() {
    // The same type in two contexts of one runtime: each object has its own
    // realm's Object.prototype, and dropping one context (with its cache)
    // leaves the other working; the runtime then ends cleanly.
    let rt = Runtime::new().unwrap();
    let a = Context::full(&rt).unwrap();
    let b = Context::full(&rt).unwrap();
    let item = Sparse {
        a: 1,
        b: None,
        c: true,
    };
    for ctx in [&a, &b, &a] {
        ctx.with(|ctx| {
            let v = to_value(ctx, &item).unwrap();
            ctx.globals().set("v", v).unwrap();
            assert!(ctx
                .eval::<bool>("Object.getPrototypeOf(v) === Object.prototype")
                .unwrap());
        });
    }
    drop(a);
    b.with(|ctx| {
        let v = to_value(ctx, &[doc(), doc()]).unwrap();
        let back: Vec<Doc> = from_value(&v).unwrap();
        assert_eq!(back, [doc(), doc()]);
    });
}

#[test]
fn short_strings_are_shared_and_exact() {
    // Short strings (at most 24 bytes) come from the context's cache: the
    // same text again, near misses (one byte or the length off, every
    // length around the limits of the key's reads), non-ASCII text, the
    // empty string, and far more distinct strings than the cache has slots
    // (each evicting another) all arrive exactly; the cache lets go of its
    // strings when the context goes (the engine's leak check at the
    // runtime's end).
    let mut texts: Vec<String> = Vec::new();
    for n in 0..=26 {
        let base: String = (0..n).map(|i| (b'a' + (i % 26) as u8) as char).collect();
        texts.push(base.clone());
        for i in 0..n {
            let mut b = base.clone().into_bytes();
            b[i] = b'Z';
            texts.push(String::from_utf8(b).unwrap());
        }
    }
    texts.extend(["é", "中文", "Feature", "Point", "Feature", "\0", "a\0b"].map(String::from));
    texts.extend((0..2000).map(|i| format!("key-{}", i % 700)));
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        for _ in 0..2 {
            let v = to_value(ctx, &texts).unwrap();
            let back: Vec<String> = from_value(&v).unwrap();
            assert_eq!(back, texts);
            ctx.globals().set("v", v).unwrap();
            let lengths: Vec<usize> = ctx.eval("v.map(s => s.length)").unwrap();
            let expected: Vec<usize> = texts.iter().map(|s| s.encode_utf16().count()).collect();
            assert_eq!(lengths, expected);
        }
        // A unit variant's name takes the same route.
        let v = to_value(ctx, &[Shape::Empty, Shape::Empty]).unwrap();
        assert_eq!(
            from_value::<Vec<Shape>>(&v).unwrap(),
            [Shape::Empty, Shape::Empty]
        );
    });
}
