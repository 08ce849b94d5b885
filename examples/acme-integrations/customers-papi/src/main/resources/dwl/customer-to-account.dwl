%dw 2.0
output application/java
var c = payload
---
[{
	External_Id__c: vars.shopId,
	Name: c.company default (c.firstName ++ " " ++ c.lastName),
	Type: if (c.company?) "Customer - Business" else "Customer - Consumer",
	BillingStreet: c.billingAddress.street,
	BillingPostalCode: c.billingAddress.zip,
	BillingCity: c.billingAddress.city,
	BillingCountryCode: c.billingAddress.country,
	Phone: c.phone
}]
