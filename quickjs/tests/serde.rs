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
