// Async methods work on a clone of the value: `&self` only.
#[quickjs::js]
#[derive(Clone)]
pub struct Account {
    balance: i64,
}

#[quickjs::js]
impl Account {
    pub async fn deposit(&mut self, amount: i64) {
        self.balance += amount;
    }
}

fn main() {}
