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
