// Values of one `with` call cannot be stored into another context's objects:
// the two closures' lifetimes are unrelated.
use quickjs::{Context, Object, Runtime};

fn main() {
    let rt = Runtime::new().unwrap();
    let (a, b) = (Context::full(&rt).unwrap(), Context::full(&rt).unwrap());
    a.with(|ca| {
        let obj = Object::new(ca).unwrap();
        b.with(|cb| {
            cb.globals().set("x", obj).unwrap();
        });
    });
}
