//! A SKU's stock split over shard items, so that a flash sale is not limited by what one item
//! can take a second. Shard 0 is the SKU's own item; shards 1.. are items beside it. Each shard
//! keeps the three figures (`on_hand = available + reserved`) for the units it holds, and the
//! SKU's figures are their sums. An order line remembers which shards its units came from, so
//! releases, shipments and returns go back to the same shards.

use crate::domain::catalog::StockMove;
use crate::error::ApiError;

/// The most shards a SKU's stock can be split over.
pub const MAX_STOCK_SHARDS: u32 = 32;

/// `stock_shards` as a seller gives it: 1 to `MAX_STOCK_SHARDS`.
pub fn validate_stock_shards(shards: u32) -> Result<u32, ApiError> {
    if (1..=MAX_STOCK_SHARDS).contains(&shards) {
        Ok(shards)
    } else {
        Err(ApiError::invalid("stock_shards", format!("must be 1..={MAX_STOCK_SHARDS}")))
    }
}

/// One shard's figures as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ShardStock {
    pub shard: u32,
    pub available: i64,
    pub reserved: i64,
    pub on_hand: i64,
}

/// Units of one order line held in one shard.
pub type ShardUnits = (u32, u32);

/// One order's move of the units it holds in one shard of a SKU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardMove {
    pub sku_id: String,
    pub shard: u32,
    pub stock_move: StockMove,
}

/// The units `from..to` of a line (its units numbered in the order they were reserved), by
/// the shard holding them. A line without shards holds every unit in shard 0.
pub fn units_by_shard(shards: &[ShardUnits], from: u32, to: u32) -> Vec<ShardUnits> {
    if shards.is_empty() {
        return if to > from { vec![(0, to - from)] } else { Vec::new() };
    }
    let mut moved = Vec::new();
    let mut start = 0;
    for &(shard, units) in shards {
        let end = start + units;
        let (low, high) = (from.max(start), to.min(end));
        if high > low {
            moved.push((shard, high - low));
        }
        start = end;
    }
    moved
}

/// Where a reservation of `units` takes them, given the shards as read: one active shard that
/// has enough (the `pick`-th of those, so buyers spread out), else the fullest active shards
/// together. None only when all active shards together have fewer than `units`: sold out means
/// sold out, not "this shard is empty".
pub fn plan_reservation(shards: &[ShardStock], active: u32, units: u32, pick: usize) -> Option<Vec<ShardUnits>> {
    let wanted = i64::from(units);
    let usable: Vec<&ShardStock> = shards.iter().filter(|shard| shard.shard < active && shard.available > 0).collect();
    let enough: Vec<&&ShardStock> = usable.iter().filter(|shard| shard.available >= wanted).collect();
    if !enough.is_empty() {
        return Some(vec![(enough[pick % enough.len()].shard, units)]);
    }
    if usable.iter().map(|shard| shard.available).sum::<i64>() < wanted {
        return None;
    }
    let mut fullest = usable;
    fullest.sort_by_key(|shard| std::cmp::Reverse(shard.available));
    let mut left = wanted;
    let mut plan = Vec::new();
    for shard in fullest {
        let take = left.min(shard.available);
        plan.push((shard.shard, u32::try_from(take).ok()?));
        left -= take;
        if left == 0 {
            break;
        }
    }
    Some(plan)
}

/// Why a stock edit across shards cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpreadRefusal {
    /// On hand would be below what open orders hold.
    BelowReserved { reserved: i64 },
}

/// The change of each shard's on hand (and so its available units) that makes the SKU's on hand
/// `target`: what is reserved stays in the shards that hold it, and the available units are
/// spread evenly over the active shards (none left in shards past `active`). Shards without a
/// change are left out; `shards` must list every shard item there is.
pub fn spread_on_hand(shards: &[ShardStock], active: u32, target: i64) -> Result<Vec<(u32, i64)>, SpreadRefusal> {
    let reserved: i64 = shards.iter().map(|shard| shard.reserved).sum();
    if target < reserved {
        return Err(SpreadRefusal::BelowReserved { reserved });
    }
    let available = target - reserved;
    let count = i64::from(active.max(1));
    let mut changes = Vec::new();
    let mut shard_numbers: Vec<u32> = shards.iter().map(|shard| shard.shard).chain(0..active.max(1)).collect();
    shard_numbers.sort_unstable();
    shard_numbers.dedup();
    for number in shard_numbers {
        let now = shards
            .iter()
            .find(|shard| shard.shard == number)
            .copied()
            .unwrap_or(ShardStock { shard: number, ..ShardStock::default() });
        let share = if i64::from(number) < count {
            available / count + i64::from(i64::from(number) < available % count)
        } else {
            0
        };
        if share != now.available {
            changes.push((number, share - now.available));
        }
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(shard: u32, available: i64, reserved: i64) -> ShardStock {
        ShardStock { shard, available, reserved, on_hand: available + reserved }
    }

    #[test]
    fn a_line_without_shards_holds_everything_in_shard_zero() {
        assert_eq!(units_by_shard(&[], 0, 3), vec![(0, 3)]);
        assert_eq!(units_by_shard(&[], 2, 2), vec![]);
    }

    #[test]
    fn unit_ranges_map_to_the_shards_that_hold_them() {
        let line = [(4, 2), (1, 3)];
        assert_eq!(units_by_shard(&line, 0, 5), vec![(4, 2), (1, 3)]);
        assert_eq!(units_by_shard(&line, 3, 5), vec![(1, 2)], "the last units refunded first");
        assert_eq!(units_by_shard(&line, 0, 3), vec![(4, 2), (1, 1)], "the units still held");
    }

    #[test]
    fn a_reservation_takes_one_shard_with_enough_and_spreads_buyers() {
        let shards = [shard(0, 1, 0), shard(1, 5, 0), shard(2, 5, 0)];
        assert_eq!(plan_reservation(&shards, 3, 2, 0), Some(vec![(1, 2)]));
        assert_eq!(plan_reservation(&shards, 3, 2, 1), Some(vec![(2, 2)]));
        assert_eq!(plan_reservation(&shards, 3, 1, 0), Some(vec![(0, 1)]));
    }

    #[test]
    fn units_scattered_over_shards_are_still_sold_and_only_a_real_shortage_refuses() {
        let shards = [shard(0, 1, 0), shard(1, 2, 0), shard(2, 1, 3)];
        assert_eq!(plan_reservation(&shards, 3, 4, 0), Some(vec![(1, 2), (0, 1), (2, 1)]));
        assert_eq!(plan_reservation(&shards, 3, 5, 0), None);
        assert_eq!(plan_reservation(&shards, 2, 4, 0), None, "a shard past the active ones is not sold from");
    }

    #[test]
    fn setting_on_hand_spreads_available_evenly_and_keeps_reservations() {
        let shards = [shard(0, 0, 2), shard(1, 3, 0)];
        let changes = spread_on_hand(&shards, 4, 12).expect("room");
        // 10 available over 4 shards: 3, 3, 2, 2.
        assert_eq!(changes, vec![(0, 3), (2, 2), (3, 2)], "shard 1 has its 3 already");
        assert_eq!(spread_on_hand(&shards, 4, 1), Err(SpreadRefusal::BelowReserved { reserved: 2 }));
    }

    #[test]
    fn fewer_shards_move_the_available_units_of_the_others_back() {
        let shards = [shard(0, 2, 0), shard(1, 2, 1), shard(2, 2, 0)];
        let changes = spread_on_hand(&shards, 1, 7).expect("room");
        assert_eq!(changes, vec![(0, 4), (1, -2), (2, -2)]);
    }
}
