// A &str parameter points into the engine's heap, which a Ctx could make
// move (by running JS): the pair is refused.
use mquickjs::{js, Ctx};

#[js]
pub fn shout(ctx: Ctx<'_>, s: &str) -> usize {
    let _ = ctx;
    s.len()
}

fn main() {}
