namespace GroupPay.Channels;
