// A setter takes exactly one argument.
#[quickjs::js]
pub struct Point {
    x: f64,
}

#[quickjs::js]
impl Point {
    #[js(set)]
    pub fn set_x(&mut self, x: f64, y: f64) {
        self.x = x + y;
    }
}

fn main() {}
