%dw 2.0
output application/java
var c = payload.customer
---
[{
	External_Id__c: c.shopCustomerId,
	Name: if (c.company?) c.company else (c.firstName ++ " " ++ c.lastName),
	BillingStreet: c.billingAddress.street,
	BillingPostalCode: c.billingAddress.zip,
	BillingCity: c.billingAddress.city,
	BillingCountryCode: c.billingAddress.country,
	Phone: c.phone,
	Shop_Customer_Since__c: c.createdAt as Date {format: "yyyy-MM-dd'T'HH:mm:ssXXX"}
}]
