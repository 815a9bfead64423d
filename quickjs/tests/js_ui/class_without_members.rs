// A #[js] struct needs its #[js] impl block before it can reach JS.
#[quickjs::js]
pub struct Lonely;

#[quickjs::js]
fn make() -> Lonely {
    Lonely
}

fn main() {}
