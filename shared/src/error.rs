//! Every failure a route can answer, with its envelope code and HTTP status, in one place (the
//! docs/wire.md's error table lists them).

use crate::domain::time::Timestamp;
use lambda_http::http::StatusCode;

/// Language of human messages, chosen from `Accept-Language`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    ZhCn,
}

impl Lang {
    pub fn from_accept_language(header: Option<&str>) -> Self {
        match header {
            Some(value) if value.trim_start().to_ascii_lowercase().starts_with("zh") => Lang::ZhCn,
            _ => Lang::En,
        }
    }
}

/// Why a payment notification was refused: what the `NotifyRejected` metric counts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// Not a form, a parameter repeated or missing, an amount that is not one.
    Malformed,
    /// No signature, another algorithm, or one that does not verify.
    Signature,
    /// Signed, but for another merchant (app id).
    Merchant,
    /// Signed, but for no order of ours.
    UnknownOrder,
    /// Signed, but the amount is not the order's.
    Amount,
    /// Signed, but its timestamp is too far from now (a replay or a wrong clock).
    Stale,
}

impl Rejection {
    pub const ALL: [Rejection; 6] = [
        Rejection::Malformed,
        Rejection::Signature,
        Rejection::Merchant,
        Rejection::UnknownOrder,
        Rejection::Amount,
        Rejection::Stale,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rejection::Malformed => "malformed",
            Rejection::Signature => "signature",
            Rejection::Merchant => "merchant",
            Rejection::UnknownOrder => "unknown_order",
            Rejection::Amount => "amount",
            Rejection::Stale => "stale",
        }
    }
}

/// Why a points password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordRefusal {
    /// A wrong password; `tries_left` more before a lock of `lock_minutes`.
    Wrong { tries_left: u32, lock_minutes: i64 },
    /// A wrong password that used the last try: locked until then.
    WrongAndLocked { until: Timestamp },
    /// Locked after too many tries, until then: not checked.
    Locked { until: Timestamp },
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ApiError {
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    #[error("missing or invalid token")]
    Unauthorized,
    #[error("this route needs role {needed}")]
    Forbidden { needed: &'static str },
    /// A points payment without the right points password, or while it is locked.
    #[error("points password refused: {0:?}")]
    PointsPassword(PasswordRefusal),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("store unavailable: {0}")]
    Unavailable(String),
    #[error("{field}: {rule}")]
    Invalid { field: String, rule: String },
    /// Not allowed in the current state: what happened, in each language.
    #[error("{en}")]
    StateConflict { en: String, zh: String },
    #[error("SKU {sku_id} is out of stock")]
    OutOfStock { sku_id: String },
    #[error("Idempotency-Key was used with another body")]
    IdempotencyMismatch,
    #[error("payment notification refused ({}): {detail}", reason.as_str())]
    SignatureInvalid { reason: Rejection, detail: String },
    #[error("the body is not application/json")]
    UnsupportedMediaType,
}

impl ApiError {
    pub fn invalid(field: impl Into<String>, rule: impl Into<String>) -> Self {
        ApiError::Invalid { field: field.into(), rule: rule.into() }
    }

    pub fn rejected(reason: Rejection, detail: impl Into<String>) -> Self {
        ApiError::SignatureInvalid { reason, detail: detail.into() }
    }

    /// One error of each kind (docs/wire.md's table is checked against their codes and statuses).
    pub fn one_of_each() -> Vec<ApiError> {
        let all = vec![
            ApiError::not_found("order", "1"),
            ApiError::Unauthorized,
            ApiError::Forbidden { needed: "seller" },
            ApiError::PointsPassword(PasswordRefusal::Locked { until: Timestamp::from_millis(0) }),
            ApiError::Internal(String::new()),
            ApiError::Unavailable(String::new()),
            ApiError::invalid("field", "rule"),
            ApiError::conflict("en", "zh"),
            ApiError::OutOfStock { sku_id: String::new() },
            ApiError::IdempotencyMismatch,
            ApiError::rejected(Rejection::Signature, ""),
            ApiError::UnsupportedMediaType,
        ];
        // A new kind of error does not compile until it is listed above.
        for error in &all {
            match error {
                ApiError::NotFound { .. }
                | ApiError::Unauthorized
                | ApiError::Forbidden { .. }
                | ApiError::PointsPassword(_)
                | ApiError::Internal(_)
                | ApiError::Unavailable(_)
                | ApiError::Invalid { .. }
                | ApiError::StateConflict { .. }
                | ApiError::OutOfStock { .. }
                | ApiError::IdempotencyMismatch
                | ApiError::SignatureInvalid { .. }
                | ApiError::UnsupportedMediaType => {}
            }
        }
        all
    }

    /// A 409: what was refused and why, in English and Chinese.
    pub fn conflict(en: impl Into<String>, zh: impl Into<String>) -> Self {
        ApiError::StateConflict { en: en.into(), zh: zh.into() }
    }

    pub fn not_found(what: &'static str, id: impl Into<String>) -> Self {
        ApiError::NotFound { what, id: id.into() }
    }

    pub fn code(&self) -> u32 {
        match self {
            ApiError::NotFound { .. } => 10001,
            ApiError::Unauthorized => 10002,
            ApiError::Forbidden { .. } | ApiError::PointsPassword(_) => 10003,
            ApiError::Internal(_) | ApiError::Unavailable(_) => 10004,
            ApiError::Invalid { .. } | ApiError::UnsupportedMediaType => 10005,
            ApiError::StateConflict { .. } => 10007,
            ApiError::OutOfStock { .. } => 10008,
            ApiError::IdempotencyMismatch => 10009,
            ApiError::SignatureInvalid { .. } => 10010,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } | ApiError::PointsPassword(_) => StatusCode::FORBIDDEN,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Invalid { .. } | ApiError::SignatureInvalid { .. } => StatusCode::BAD_REQUEST,
            ApiError::StateConflict { .. } | ApiError::OutOfStock { .. } => StatusCode::CONFLICT,
            ApiError::IdempotencyMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        }
    }

    /// Seconds a client should wait before retrying, when retrying can help.
    pub fn retry_after(&self) -> Option<u32> {
        matches!(self, ApiError::Unavailable(_)).then_some(1)
    }

    /// The message shown to the caller. Internal details stay in the logs.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ApiError::NotFound { what, id }, Lang::En) => format!("{what} {id} does not exist"),
            (ApiError::NotFound { what, id }, Lang::ZhCn) => format!("{}{id}不存在", zh_noun(what)),
            (ApiError::Unauthorized, Lang::En) => "missing or invalid bearer token".into(),
            (ApiError::Unauthorized, Lang::ZhCn) => "未登录或令牌无效".into(),
            (ApiError::Forbidden { needed }, Lang::En) => format!("this route needs role {needed}"),
            (ApiError::Forbidden { needed }, Lang::ZhCn) => format!("权限不足：需要角色 {needed}"),
            (ApiError::PointsPassword(PasswordRefusal::Wrong { tries_left, lock_minutes }), Lang::En) => {
                format!("wrong points password; {tries_left} tries left before a {lock_minutes} minute lock")
            }
            (ApiError::PointsPassword(PasswordRefusal::Wrong { tries_left, lock_minutes }), Lang::ZhCn) => {
                format!("积分支付密码错误，还可尝试 {tries_left} 次，之后将锁定 {lock_minutes} 分钟")
            }
            (ApiError::PointsPassword(PasswordRefusal::WrongAndLocked { until }), Lang::En) => {
                format!("wrong points password; points payments are now locked until {until}")
            }
            (ApiError::PointsPassword(PasswordRefusal::WrongAndLocked { until }), Lang::ZhCn) => {
                format!("积分支付密码错误，积分支付已锁定至 {until}")
            }
            (ApiError::PointsPassword(PasswordRefusal::Locked { until }), Lang::En) => {
                format!("points payments are locked after too many wrong passwords until {until}")
            }
            (ApiError::PointsPassword(PasswordRefusal::Locked { until }), Lang::ZhCn) => {
                format!("积分支付密码错误次数过多，积分支付已锁定至 {until}")
            }
            (ApiError::Internal(_), Lang::En) => "internal error".into(),
            (ApiError::Internal(_), Lang::ZhCn) => "系统错误".into(),
            (ApiError::Unavailable(_), Lang::En) => "service temporarily unavailable, retry later".into(),
            (ApiError::Unavailable(_), Lang::ZhCn) => "服务暂不可用，请稍后重试".into(),
            (ApiError::Invalid { field, rule }, Lang::En) => {
                format!("parameter {field} is invalid: {rule}")
            }
            (ApiError::Invalid { field, rule }, Lang::ZhCn) => {
                format!("参数 {field} 不合法：{rule}")
            }
            (ApiError::StateConflict { en, .. }, Lang::En) => en.clone(),
            (ApiError::StateConflict { zh, .. }, Lang::ZhCn) => zh.clone(),
            (ApiError::OutOfStock { sku_id }, Lang::En) => format!("SKU {sku_id} is out of stock"),
            (ApiError::OutOfStock { sku_id }, Lang::ZhCn) => format!("商品 {sku_id} 库存不足"),
            (ApiError::IdempotencyMismatch, Lang::En) => {
                "Idempotency-Key was already used with a different request body".into()
            }
            (ApiError::IdempotencyMismatch, Lang::ZhCn) => "幂等键已用于不同的请求内容".into(),
            (ApiError::SignatureInvalid { .. }, Lang::En) => {
                "payment notification signature or content is invalid".into()
            }
            (ApiError::SignatureInvalid { .. }, Lang::ZhCn) => "支付通知签名或内容无效".into(),
            (ApiError::UnsupportedMediaType, Lang::En) => {
                "parameter Content-Type is invalid: send the body as application/json".into()
            }
            (ApiError::UnsupportedMediaType, Lang::ZhCn) => {
                "参数 Content-Type 不合法：请求体须为 application/json".into()
            }
        }
    }
}

fn zh_noun(what: &str) -> &'static str {
    match what {
        "order" => "订单",
        "sku" => "商品",
        "SKU" => "商品",
        "address" => "地址",
        "route" => "接口",
        _ => "对象",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_spec_code_and_status() {
        let cases = [
            (ApiError::not_found("order", "1"), 10001, 404),
            (ApiError::Unauthorized, 10002, 401),
            (ApiError::Forbidden { needed: "seller" }, 10003, 403),
            (ApiError::PointsPassword(PasswordRefusal::Wrong { tries_left: 2, lock_minutes: 15 }), 10003, 403),
            (ApiError::Internal("x".into()), 10004, 500),
            (ApiError::Unavailable("x".into()), 10004, 503),
            (ApiError::invalid("items", "x"), 10005, 400),
            (ApiError::conflict("cannot cancel an order whose status is paid", "订单已支付，不能取消"), 10007, 409),
            (ApiError::OutOfStock { sku_id: "s".into() }, 10008, 409),
            (ApiError::IdempotencyMismatch, 10009, 422),
            (ApiError::rejected(Rejection::Signature, "x"), 10010, 400),
            (ApiError::UnsupportedMediaType, 10005, 415),
        ];
        for (error, code, status) in cases {
            assert_eq!(error.code(), code, "{error:?}");
            assert_eq!(error.status().as_u16(), status, "{error:?}");
            assert!(!error.message(Lang::En).is_empty());
            assert_ne!(error.message(Lang::En), error.message(Lang::ZhCn));
        }
    }

    #[test]
    fn internal_details_never_reach_the_message() {
        let error = ApiError::Internal("secret table name".into());
        assert!(!error.message(Lang::En).contains("secret"));
    }

    #[test]
    fn accept_language_picks_chinese_only_for_zh() {
        assert_eq!(Lang::from_accept_language(Some("zh-CN,zh;q=0.9")), Lang::ZhCn);
        assert_eq!(Lang::from_accept_language(Some("en-US")), Lang::En);
        assert_eq!(Lang::from_accept_language(None), Lang::En);
    }
}
