// A parameter type JS cannot produce: the error names the type.
struct Handle;

#[quickjs::js]
fn close(h: Handle) {
    let _ = h;
}

fn main() {}
