// An async function's future outlives the call: no borrowed &str.
#[quickjs::js]
async fn shout(s: &str) -> String {
    s.to_uppercase()
}

fn main() {}
