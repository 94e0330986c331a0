//! The daily report: what each customer ordered, in US cents.

use crate::{pricing, Order};
use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::rc::Rc;
use tokio::task::{spawn_local, LocalSet};

/// Reads the `customer,currency,amount_cents` lines of an export; malformed lines are skipped.
pub fn parse_orders(text: &str) -> Vec<Order> {
    text.lines()
        .enumerate()
        .filter_map(|(id, line)| {
            let mut fields = line.split(',');
            Some(Order {
                id: id as u64,
                customer: fields.next()?.trim().parse().ok()?,
                currency: fields.next()?.trim().to_string(),
                amount_cents: fields.next()?.trim().parse().ok()?,
            })
        })
        .collect()
}

fn by_customer(orders: Vec<Order>) -> BTreeMap<u64, Vec<Order>> {
    let mut by_customer: BTreeMap<u64, Vec<Order>> = BTreeMap::new();
    for order in orders {
        by_customer.entry(order.customer).or_default().push(order);
    }
    by_customer
}

/// Running totals, shared by the tasks of one report.
type Totals = Rc<RefCell<BTreeMap<u64, i64>>>;

async fn add_customer(totals: Totals, customer: u64, orders: Vec<Order>) {
    for order in orders {
        let cents = pricing::to_usd_cents_awaited(&order.currency, order.amount_cents).await;
        *totals.borrow_mut().entry(customer).or_default() += cents;
    }
}

/// Totals per customer. One task per customer prices its orders; the tasks share the
/// totals, which are not `Send`, so they run on a `LocalSet`.
pub async fn totals_by_customer(orders: Vec<Order>) -> BTreeMap<u64, i64> {
    let totals = Totals::default();
    let local = LocalSet::new();
    local
        .run_until(async {
            let tasks: Vec<_> = by_customer(orders)
                .into_iter()
                .map(|(customer, orders)| spawn_local(add_customer(Rc::clone(&totals), customer, orders)))
                .collect();
            for task in tasks {
                task.await.expect("pricing task panicked");
            }
        })
        .await;
    totals.take()
}

/// Prints each customer's total as soon as it is known, then the sum of all, for the
/// operators' console.
pub async fn print_totals(orders: Vec<Order>) {
    let totals = Totals::default();
    let local = LocalSet::new();
    for (customer, orders) in by_customer(orders) {
        let totals = Rc::clone(&totals);
        local.spawn_local(async move {
            add_customer(Rc::clone(&totals), customer, orders).await;
            println!("customer {customer}: {} cents", totals.borrow()[&customer]);
        });
    }
    println!("all customers: {} cents", totals.borrow().values().sum::<i64>());
}

/// The `n` customers who spent the most, largest first.
pub fn top_customers(totals: &BTreeMap<u64, i64>, n: usize) -> Vec<(u64, i64)> {
    let mut ranked: Vec<(u64, i64)> = totals.iter().map(|(&customer, &cents)| (customer, cents)).collect();
    ranked.sort_by_key(|&(_, cents)| Reverse(cents));
    ranked.truncate(n);
    ranked
}

/// The `n` largest orders by their value in US cents, largest first.
pub async fn largest_orders(mut orders: Vec<Order>, n: usize) -> Vec<Order> {
    orders.sort_by_key(|order| {
        Reverse(futures::executor::block_on(pricing::to_usd_cents_awaited(
            &order.currency,
            order.amount_cents,
        )))
    });
    orders.truncate(n);
    orders
}

/// The same, with every order priced before sorting.
pub async fn largest_orders_priced_first(orders: Vec<Order>, n: usize) -> Vec<Order> {
    let mut priced = Vec::with_capacity(orders.len());
    for order in orders {
        let cents = pricing::to_usd_cents_awaited(&order.currency, order.amount_cents).await;
        priced.push((Reverse(cents), order));
    }
    priced.sort_by_key(|(cents, _)| *cents);
    priced.into_iter().take(n).map(|(_, order)| order).collect()
}
