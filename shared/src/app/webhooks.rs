//! A shop's webhook endpoints: register (the secret is shown once), list, read, change (which
//! also turns a disabled endpoint back on), delete, rotate the secret, send a test event, read
//! the delivery log and retry a delivery. A shop only ever reaches its own endpoints.

use crate::adapters::webhooks::{signing, target};
use crate::app::deliveries::{attempt, claimed_delivery, run_attempt};
use crate::app::App;
use crate::domain::events::EventType;
use crate::domain::time::Timestamp;
use crate::domain::webhooks::{
    Delivery, DeliveryStatus, EndpointDraft, WebhookEndpoint, MAX_ENDPOINTS, PREVIOUS_SECRET_SECONDS,
};
use crate::error::ApiError;

fn not_found(endpoint_id: &str) -> ApiError {
    ApiError::not_found("webhook endpoint", endpoint_id)
}

/// Refuses a URL a webhook may not be sent to, naming `url`.
async fn check_url(app: &App, url: &str) -> Result<(), ApiError> {
    target::check(url, app.config.webhooks.allow_loopback)
        .await
        .map(|_| ())
        .map_err(|why| ApiError::invalid("url", why))
}

fn new_secret() -> Result<String, ApiError> {
    signing::generate_secret().map_err(ApiError::Internal)
}

pub async fn create_webhook(app: &App, seller_id: &str, draft: EndpointDraft) -> Result<WebhookEndpoint, ApiError> {
    check_url(app, &draft.url).await?;
    let now = Timestamp::now();
    let endpoint_id = format!("we_{:024x}", rand::random::<u128>() >> 32);
    let endpoint = WebhookEndpoint::new(&endpoint_id, seller_id, draft, new_secret()?, now);
    if !app.store.create_webhook(&endpoint).await? {
        return Err(ApiError::invalid("webhooks", format!("a shop has at most {MAX_ENDPOINTS} endpoints")));
    }
    Ok(endpoint)
}

pub async fn list_webhooks(app: &App, seller_id: &str) -> Result<Vec<WebhookEndpoint>, ApiError> {
    app.store.list_webhooks(seller_id).await
}

pub async fn get_webhook(app: &App, seller_id: &str, endpoint_id: &str) -> Result<WebhookEndpoint, ApiError> {
    app.store.get_webhook(seller_id, endpoint_id).await?.ok_or_else(|| not_found(endpoint_id))
}

/// Applies `change` to the endpoint as read, written only if nobody changed it meanwhile.
async fn change_webhook(
    app: &App,
    seller_id: &str,
    endpoint_id: &str,
    change: impl FnOnce(&mut WebhookEndpoint, Timestamp) -> Result<(), ApiError>,
) -> Result<WebhookEndpoint, ApiError> {
    let read = get_webhook(app, seller_id, endpoint_id).await?;
    let mut endpoint = read.clone();
    // A fresh instant, so the condition on the one read always tells the two writes apart.
    let now = Timestamp::from_millis(Timestamp::now().millis().max(read.updated_at.millis() + 1));
    change(&mut endpoint, now)?;
    endpoint.updated_at = now;
    if app.store.replace_webhook(&endpoint, read.updated_at).await? {
        return Ok(endpoint);
    }
    match app.store.get_webhook(seller_id, endpoint_id).await? {
        None => Err(not_found(endpoint_id)),
        Some(_) => Err(ApiError::conflict(
            "the endpoint was changed meanwhile; read it and try again",
            "该端点已被修改，请重新读取后再试",
        )),
    }
}

/// Replaces the endpoint's URL, types and description, and turns it on again.
pub async fn update_webhook(
    app: &App,
    seller_id: &str,
    endpoint_id: &str,
    draft: EndpointDraft,
) -> Result<WebhookEndpoint, ApiError> {
    check_url(app, &draft.url).await?;
    change_webhook(app, seller_id, endpoint_id, |endpoint, _| {
        endpoint.url = draft.url;
        endpoint.event_types = draft.event_types;
        endpoint.description = draft.description;
        endpoint.disabled_reason = None;
        endpoint.failing_since = None;
        Ok(())
    })
    .await
}

pub async fn delete_webhook(app: &App, seller_id: &str, endpoint_id: &str) -> Result<(), ApiError> {
    match app.store.delete_webhook(seller_id, endpoint_id).await? {
        true => Ok(()),
        false => Err(not_found(endpoint_id)),
    }
}

/// A new secret; the old one keeps signing beside it for a day.
pub async fn rotate_secret(app: &App, seller_id: &str, endpoint_id: &str) -> Result<WebhookEndpoint, ApiError> {
    let secret = new_secret()?;
    change_webhook(app, seller_id, endpoint_id, |endpoint, now| {
        endpoint.previous_secret = Some(std::mem::replace(&mut endpoint.secret, secret));
        endpoint.previous_secret_until = Some(now.plus_seconds(PREVIOUS_SECRET_SECONDS));
        Ok(())
    })
    .await
}

/// Sends a `webhook.test` event to the endpoint now; the delivery as it stands after the
/// attempt (in the log like any other).
pub async fn send_test_event(app: &App, seller_id: &str, endpoint_id: &str) -> Result<Delivery, ApiError> {
    let endpoint = get_webhook(app, seller_id, endpoint_id).await?;
    let now = Timestamp::now();
    let event_id = format!("evt_test_{:016x}", rand::random::<u64>());
    let body = serde_json::json!({
        "id": event_id,
        "type": EventType::WebhookTest.as_str(),
        "timestamp": now.to_string(),
        "seller_id": seller_id,
        "data": {"endpoint_id": endpoint.endpoint_id},
    })
    .to_string();
    let delivery = claimed_delivery(app, &endpoint, &event_id, EventType::WebhookTest.as_str(), &body, now, now);
    app.store.record_delivery(&delivery).await?;
    run_attempt(app, Some(&endpoint), delivery).await
}

/// A page of the endpoint's delivery log, newest first.
pub async fn list_deliveries(
    app: &App,
    seller_id: &str,
    endpoint_id: &str,
    status: Option<DeliveryStatus>,
    limit: usize,
    cursor: Option<&str>,
) -> Result<(Vec<Delivery>, Option<String>), ApiError> {
    if cursor.is_some_and(|cursor| !Delivery::is_id(cursor)) {
        return Err(ApiError::invalid("cursor", "not a cursor this log gave"));
    }
    get_webhook(app, seller_id, endpoint_id).await?;
    app.store.list_deliveries(endpoint_id, status, limit, cursor).await
}

/// Attempts a delivery again now, whatever it came to before.
pub async fn retry_delivery(
    app: &App,
    seller_id: &str,
    endpoint_id: &str,
    delivery_id: &str,
) -> Result<Delivery, ApiError> {
    let missing = || ApiError::not_found("delivery", delivery_id);
    get_webhook(app, seller_id, endpoint_id).await?;
    let delivery = app.store.get_delivery(endpoint_id, delivery_id).await?.ok_or_else(missing)?;
    match attempt(app, &delivery).await? {
        Some(after) => Ok(after),
        None => Err(ApiError::conflict(
            "the delivery is being attempted right now; read the log again",
            "该投递正在进行，请稍后查看投递记录",
        )),
    }
}
