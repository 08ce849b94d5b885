%dw 2.0
output application/java
var o = vars.shopOrder
---
[{
	AccountId: vars.accountId,
	EffectiveDate: o.placedAt as Date {format: "yyyy-MM-dd'T'HH:mm:ssXXX"},
	Status: "Draft",
	Pricebook2Id: p('sfdc.pricebookId'),
	Shop_Order_Id__c: o.orderId,
	Description: "Web shop order " ++ o.orderId,
	ShippingStreet: o.shippingAddress.street,
	ShippingPostalCode: o.shippingAddress.zip,
	ShippingCity: o.shippingAddress.city,
	ShippingCountryCode: o.shippingAddress.country
}]
