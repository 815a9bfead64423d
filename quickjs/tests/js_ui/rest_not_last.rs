// `Rest<T>` takes the remaining arguments: nothing may follow it.
use quickjs::Rest;

#[quickjs::js]
fn sum(rest: Rest<i32>, last: i32) -> i32 {
    rest.0.iter().sum::<i32>() + last
}

fn main() {}
