// A struct field holding JS values must be traced, or the GC cannot see them.
#[quickjs::js]
pub struct Button {
    on_click: Option<quickjs::Held>,
}

fn main() {}
