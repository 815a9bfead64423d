// JS owns the object: methods borrow it.
#[quickjs::js]
pub struct Point {
    x: f64,
}

#[quickjs::js]
impl Point {
    pub fn into_x(self) -> f64 {
        self.x
    }
}

fn main() {}
