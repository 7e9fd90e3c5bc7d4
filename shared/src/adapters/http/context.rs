//! Who is calling: the claims API Gateway's JWT authorizer passed on, the request id and the
//! language of messages.

use crate::domain::party::Role;
use crate::domain::text::is_user_id;
use crate::error::{ApiError, Lang};
use lambda_http::http::header;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

/// Who is calling, as the API Gateway HTTP API JWT authorizer passed it on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub user_id: String,
    pub role: Role,
    pub seller_id: Option<String>,
}

impl Claims {
    /// Reads `sub`, `role` (default buyer) and `seller_id` from the authorizer context.
    pub fn from_request(request: &Request) -> Option<Claims> {
        let Some(RequestContext::ApiGatewayV2(context)) = request.request_context_ref() else {
            return None;
        };
        let claims = &context.authorizer.as_ref()?.jwt.as_ref()?.claims;
        // A token's ids become parts of keys: one that is too long or holds other characters is
        // refused like a bad token.
        let user_id = claims.get("sub").filter(|sub| is_user_id(sub))?.clone();
        let role = match claims.get("role").map(String::as_str) {
            None | Some("") | Some("buyer") => Role::Buyer,
            Some("seller") => Role::Seller,
            Some("admin") => Role::Admin,
            Some(_) => return None,
        };
        let seller_id = match claims.get("seller_id").filter(|id| !id.is_empty()) {
            Some(id) if is_user_id(id) => Some(id.clone()),
            Some(_) => return None,
            None => None,
        };
        Some(Claims { user_id, role, seller_id })
    }
}

/// Per-request facts every handler needs.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub request_id: String,
    pub lang: Lang,
    claims: Option<Claims>,
}

impl Ctx {
    pub fn from_request(request: &Request) -> Ctx {
        let request_id = match request.request_context_ref() {
            Some(RequestContext::ApiGatewayV2(context)) => context.request_id.clone(),
            _ => None,
        }
        .or_else(|| request.lambda_context_ref().map(|context| context.request_id.clone()))
        .unwrap_or_default();
        let lang = Lang::from_accept_language(
            request.headers().get(header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok()),
        );
        Ctx { request_id, lang, claims: Claims::from_request(request) }
    }

    pub fn claims(&self) -> Result<&Claims, ApiError> {
        self.claims.as_ref().ok_or(ApiError::Unauthorized)
    }

    /// The caller's buyer id; buyers only.
    pub fn buyer(&self) -> Result<&str, ApiError> {
        let claims = self.claims()?;
        match claims.role {
            Role::Buyer => Ok(&claims.user_id),
            _ => Err(ApiError::Forbidden { needed: "buyer" }),
        }
    }

    /// Admins only.
    pub fn admin(&self) -> Result<&str, ApiError> {
        let claims = self.claims()?;
        match claims.role {
            Role::Admin => Ok(&claims.user_id),
            _ => Err(ApiError::Forbidden { needed: "admin" }),
        }
    }

    /// The caller's shop id; sellers with a `seller_id` claim only.
    pub fn seller(&self) -> Result<&str, ApiError> {
        let claims = self.claims()?;
        match (claims.role, &claims.seller_id) {
            (Role::Seller, Some(seller_id)) => Ok(seller_id),
            _ => Err(ApiError::Forbidden { needed: "seller" }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::http::event::EventBuilder;
    use lambda_http::http::Method;
    use std::collections::HashMap;

    fn request(claims: Option<&[(&str, &str)]>) -> Request {
        let mut builder = EventBuilder::new(Method::POST, "/api/v1/orders", "/api/v1/orders")
            .header("accept-language", "zh-CN")
            .request_id("req-1");
        if let Some(claims) = claims {
            builder =
                builder.claims(claims.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<HashMap<_, _>>());
        }
        builder.into_request()
    }

    #[test]
    fn claims_come_from_the_jwt_authorizer_context() {
        let buyer = Ctx::from_request(&request(Some(&[("sub", "u1")])));
        assert_eq!(buyer.buyer(), Ok("u1"), "role defaults to buyer");
        assert_eq!(buyer.request_id, "req-1");
        assert_eq!(buyer.lang, Lang::ZhCn);
        assert_eq!(buyer.seller(), Err(ApiError::Forbidden { needed: "seller" }));

        let seller = Ctx::from_request(&request(Some(&[("sub", "u2"), ("role", "seller"), ("seller_id", "shop")])));
        assert_eq!(seller.seller(), Ok("shop"));
        assert_eq!(seller.buyer(), Err(ApiError::Forbidden { needed: "buyer" }));

        let seller_without_shop = Ctx::from_request(&request(Some(&[("sub", "u3"), ("role", "seller")])));
        assert!(seller_without_shop.seller().is_err());
        let unknown_role = Ctx::from_request(&request(Some(&[("sub", "u4"), ("role", "root")])));
        assert_eq!(unknown_role.claims(), Err(ApiError::Unauthorized));
        let system_role = Ctx::from_request(&request(Some(&[("sub", "u5"), ("role", "system")])));
        assert_eq!(system_role.claims(), Err(ApiError::Unauthorized), "only buyer, seller and admin come in tokens");
        let long = "a".repeat(3000);
        let too_long = Ctx::from_request(&request(Some(&[("sub", long.as_str())])));
        assert_eq!(too_long.claims(), Err(ApiError::Unauthorized), "a 3000-character sub");
        let separator = Ctx::from_request(&request(Some(&[("sub", "alice#paid")])));
        assert_eq!(separator.claims(), Err(ApiError::Unauthorized));
        let odd_shop =
            Ctx::from_request(&request(Some(&[("sub", "u6"), ("role", "seller"), ("seller_id", "shop\u{202E}x")])));
        assert_eq!(odd_shop.claims(), Err(ApiError::Unauthorized));
        let anonymous = Ctx::from_request(&request(None));
        assert_eq!(anonymous.buyer(), Err(ApiError::Unauthorized));
    }
}
