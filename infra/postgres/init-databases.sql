-- One database per service that keeps state, as `meshmart stack up` creates them locally.
CREATE DATABASE meshmart_cart;
CREATE DATABASE meshmart_order;
CREATE DATABASE meshmart_inventory;
CREATE DATABASE meshmart_payment;
