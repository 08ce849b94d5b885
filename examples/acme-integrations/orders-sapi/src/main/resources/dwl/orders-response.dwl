%dw 2.0
output application/json
---
payload map (order) -> {
	id: order.Id,
	number: order.OrderNumber,
	status: order.Status,
	date: order.EffectiveDate,
	total: order.TotalAmount,
	account: {
		name: order.Account.Name,
		shopId: order.Account.External_Id__c
	},
	items: (order.OrderItems default []) map (item) -> {
		sku: item.PricebookEntry.Product2.ProductCode,
		quantity: item.Quantity,
		unitPrice: item.UnitPrice
	}
}
